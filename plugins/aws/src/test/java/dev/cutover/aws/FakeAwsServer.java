package dev.cutover.aws;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A WireMock server on a random loopback port that answers the real SDK clients through small
 * stateful fakes: RDS and STS (AWS Query protocol), SSM and Secrets Manager (JSON 1.1). Every
 * request must be SigV4-signed with the test credentials for us-east-1 and the right service.
 */
public final class FakeAwsServer implements AutoCloseable {
    public static final String ACCESS_KEY = "AKIDCUTOVERTEST";
    /** The secret key the tests' SDK clients sign with (system property aws.secretAccessKey). */
    public static final String SECRET_KEY = "cutover-test-secret-key";
    final FakeRds rds = new FakeRds();
    public final FakeSsm ssm = new FakeSsm();
    final FakeSecretsManager secrets = new FakeSecretsManager();
    private final WireMockServer server;

    private FakeAwsServer() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(new Dispatcher()));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(599)));
    }

    public static FakeAwsServer start() {
        return new FakeAwsServer();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    WireMockServer wireMock() {
        return server;
    }

    /** Forgets requests and restores every fake to its initial state. */
    public void reset() {
        server.resetRequests();
        rds.reset();
        ssm.reset();
        secrets.reset();
    }

    /** The Query-protocol Actions / JSON X-Amz-Target operations received, oldest first. */
    public List<String> operations() {
        List<String> out = new ArrayList<>();
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        java.util.Collections.reverse(events);
        for (ServeEvent e : events) {
            out.add(operation(e.getRequest()));
        }
        return out;
    }

    /** The form parameters of each received Query request with this Action, oldest first. */
    List<Map<String, String>> queryRequests(String action) {
        List<Map<String, String>> out = new ArrayList<>();
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        java.util.Collections.reverse(events);
        for (ServeEvent e : events) {
            LoggedRequest r = e.getRequest();
            Map<String, String> form = form(r.getBodyAsString());
            if (action.equals(form.get("Action"))) {
                out.add(form);
            }
        }
        return out;
    }

    @Override
    public void close() {
        ssm.reset();
        server.stop();
    }

    static Map<String, String> form(String body) {
        Map<String, String> m = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return m;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            m.put(k, v);
        }
        return m;
    }

    private static String operation(Request r) {
        String target = r.getHeader("X-Amz-Target");
        if (target != null) {
            return target.substring(target.indexOf('.') + 1);
        }
        return form(r.getBodyAsString()).getOrDefault("Action", "?");
    }

    private final class Dispatcher implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return "fake-aws";
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            Request r = event.getRequest();
            String target = r.getHeader("X-Amz-Target");
            String service = target == null ? (form(r.getBodyAsString()).get("Action").equals("GetCallerIdentity")
                    ? "sts" : "rds") : target.startsWith("AmazonSSM.") ? "ssm" : "secretsmanager";
            String auth = r.getHeader("Authorization");
            String scope = "Credential=" + ACCESS_KEY + "/";
            if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 ") || !auth.contains(scope)
                    || !auth.contains("/us-east-1/" + service + "/aws4_request")) {
                return FakeRds.error(403, "IncompleteSignature", "fake AWS expected a SigV4 signature for "
                        + service + " in us-east-1 with the test key, got: " + auth);
            }
            if (target == null) {
                Map<String, String> params = form(r.getBodyAsString());
                return service.equals("sts") ? FakeRds.callerIdentity() : rds.handle(params);
            }
            String op = target.substring(target.indexOf('.') + 1);
            return service.equals("ssm") ? ssm.handle(op, r.getBodyAsString())
                    : secrets.handle(op, r.getBodyAsString());
        }
    }
}
