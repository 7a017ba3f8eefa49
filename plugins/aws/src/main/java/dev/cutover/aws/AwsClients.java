package dev.cutover.aws;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.StepFailedException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;

/**
 * Builds AWS SDK clients for one step: region, profile and endpoint from the step's inputs, the
 * default credentials chain, the url-connection HTTP client and the SDK's standard retry (which
 * retries throttling and transient errors with backoff). Tests shorten the backoff.
 */
final class AwsClients {
    static final List<InputSpec> COMMON_INPUTS = List.of(
            InputSpec.optional("region", InputType.STRING, null,
                    "AWS region, e.g. eu-west-1; default: AWS_REGION or the profile's region"),
            InputSpec.optional("profile", InputType.STRING, null,
                    "named profile from ~/.aws/config for credentials and region; default: the SDK's default chain"),
            InputSpec.optional("endpoint", InputType.STRING, null,
                    "endpoint URL override, for VPC interface endpoints or a local test double"));

    private final Duration backoff;

    private AwsClients(Duration backoff) {
        this.backoff = backoff;
    }

    /** Production settings: the SDK's own standard retry strategy and backoff. */
    static AwsClients standard() {
        return new AwsClients(null);
    }

    /** The same retry rules with a fixed short backoff, so tests of throttling stay fast. */
    static AwsClients withBackoff(Duration backoff) {
        return new AwsClients(backoff);
    }

    /** Where the calls go: resolved from a step's inputs. */
    record Target(Region region, String profile, URI endpoint) {
        String describe() {
            return region.id() + (endpoint == null ? "" : " via " + endpoint);
        }
    }

    Target target(Inputs inputs) throws StepFailedException {
        String profile = inputs.optionalString("profile").orElse(null);
        String endpoint = inputs.optionalString("endpoint").orElse(null);
        return target(inputs.optionalString("region").orElse(null), profile, endpoint);
    }

    Target target(String region, String profile, String endpoint) throws StepFailedException {
        Region r;
        if (region != null && !region.isBlank()) {
            r = Region.of(region.trim());
        } else {
            try {
                DefaultAwsRegionProviderChain.Builder chain = DefaultAwsRegionProviderChain.builder();
                if (profile != null) {
                    chain.profileName(profile);
                }
                r = chain.build().getRegion();
            } catch (SdkClientException e) {
                throw new StepFailedException("no AWS region: set the step's 'region' input, AWS_REGION, "
                        + "or a region in the profile" + (profile == null ? "" : " '" + profile + "'"));
            }
        }
        URI uri = null;
        if (endpoint != null && !endpoint.isBlank()) {
            try {
                uri = new URI(endpoint.trim());
            } catch (URISyntaxException e) {
                throw new StepFailedException("input 'endpoint': '" + endpoint + "' is not a URL (" + e.getReason() + ")");
            }
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new StepFailedException("input 'endpoint': '" + endpoint
                        + "' must be an absolute URL such as https://vpce-123.rds.eu-west-1.vpce.amazonaws.com");
            }
        }
        return new Target(r, profile, uri);
    }

    /** A client and the HTTP client it was built with; closing closes both. */
    record Handle<C extends SdkClient>(C client, SdkHttpClient http) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            http.close();
        }
    }

    Handle<RdsClient> rds(Target t) {
        return build(RdsClient.builder(), t);
    }

    Handle<SsmClient> ssm(Target t) {
        return build(SsmClient.builder(), t);
    }

    Handle<SecretsManagerClient> secretsManager(Target t) {
        return build(SecretsManagerClient.builder(), t);
    }

    Handle<StsClient> sts(Target t) {
        return build(StsClient.builder(), t);
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkClient> Handle<C> build(
            B builder, Target t) {
        SdkHttpClient http = UrlConnectionHttpClient.create();
        builder.httpClient(http)
                .region(t.region())
                .credentialsProvider(credentials(t.profile()))
                .overrideConfiguration(o -> o.retryStrategy(retryStrategy()));
        if (t.endpoint() != null) {
            builder.endpointOverride(t.endpoint());
        }
        return new Handle<>(builder.build(), http);
    }

    private static AwsCredentialsProvider credentials(String profile) {
        return profile == null ? DefaultCredentialsProvider.builder().build() : ProfileCredentialsProvider.create(profile);
    }

    private RetryStrategy retryStrategy() {
        if (backoff == null) {
            return AwsRetryStrategy.standardRetryStrategy();
        }
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .backoffStrategy(BackoffStrategy.fixedDelay(backoff))
                .throttlingBackoffStrategy(BackoffStrategy.fixedDelay(backoff))
                .build();
    }
}
