package dev.cutover.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.spi.Secret;
import dev.cutover.spi.SecretSource;
import dev.cutover.spi.StepFailedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * Secret parameters {@code from: aws-secretsmanager:<secret-id>[#json-key]}: fetched with
 * GetSecretValue (AWSCURRENT), optionally picking one key of a JSON secret. Region from
 * {@code AWS_REGION} (else the SDK's region chain), endpoint from the optional
 * {@code CUTOVER_AWS_ENDPOINT}, credentials from the SDK's default chain ({@code AWS_PROFILE} honoured).
 */
public final class SecretsManagerSecretSource implements SecretSource {
    static final String REGION_ENV = "AWS_REGION";
    static final String ENDPOINT_ENV = "CUTOVER_AWS_ENDPOINT";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AwsClients clients;
    private final UnaryOperator<String> env;

    public SecretsManagerSecretSource() {
        this(AwsClients.standard(), System::getenv);
    }

    SecretsManagerSecretSource(AwsClients clients, UnaryOperator<String> env) {
        this.clients = clients;
        this.env = env;
    }

    @Override
    public String scheme() {
        return "aws-secretsmanager";
    }

    @Override
    public Secret fetch(String reference) throws StepFailedException {
        String ref = reference == null ? "" : reference.trim();
        int hash = ref.lastIndexOf('#');
        String secretId = hash < 0 ? ref : ref.substring(0, hash);
        String key = hash < 0 ? null : ref.substring(hash + 1);
        if (secretId.isEmpty() || (key != null && key.isEmpty())) {
            throw new StepFailedException("aws-secretsmanager: write the reference as aws-secretsmanager:<secret-id> or "
                    + "aws-secretsmanager:<secret-id>#<json-key>, got '" + reference + "'");
        }
        AwsClients.Target where = clients.target(env.apply(REGION_ENV), null, env.apply(ENDPOINT_ENV));
        String resource = "secret '" + secretId + "' in " + where.region().id();
        String text;
        try (AwsClients.Handle<SecretsManagerClient> sm = clients.secretsManager(where)) {
            GetSecretValueResponse r = sm.client().getSecretValue(b -> b.secretId(secretId));
            if (r.secretString() != null) {
                text = r.secretString();
            } else if (r.secretBinary() != null) {
                text = new String(r.secretBinary().asByteArray(), StandardCharsets.UTF_8);
            } else {
                throw new StepFailedException("secretsmanager:GetSecretValue: " + resource + " has no value");
            }
        } catch (SdkException e) {
            String hint = AwsErrors.message("secretsmanager:GetSecretValue", resource, e);
            if (hint.contains("was denied")) {
                hint += "; an encrypted secret also needs kms:Decrypt on its KMS key";
            }
            throw new StepFailedException(AwsErrors.oneLine(hint));
        }
        return new Secret(key == null ? text : pick(text, key, resource));
    }

    /** One key of a JSON secret; messages name the key, never a value. */
    private static String pick(String text, String key, String resource) throws StepFailedException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new StepFailedException("aws-secretsmanager: " + resource + " is not JSON, so '#" + key
                    + "' cannot select a key; drop '#" + key + "' to use the whole value");
        }
        JsonNode v = root == null || !root.isObject() ? null : root.get(key);
        if (v == null || v.isNull()) {
            throw new StepFailedException("aws-secretsmanager: " + resource + " has no JSON key '" + key + "'");
        }
        if (v.isContainerNode()) {
            throw new StepFailedException("aws-secretsmanager: key '" + key + "' of " + resource
                    + " is an object or array, not a single value");
        }
        return v.asText();
    }
}
