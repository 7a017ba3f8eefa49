package dev.cutover.team;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.journal.JournalEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Posts run events (started, waiting for approval, failed, rolled back, rollback failed, succeeded) to the
 * configured webhooks, after the event is committed to the store. Bodies carry only what the journal says
 * about the run (already masked at the source) and never a parameter; with a secret, each is signed with
 * HMAC-SHA256 in {@code X-Cutover-Signature: sha256=<hex>}. A failed delivery (no answer, 429 or 5xx) is
 * retried with back-off (0.5 s, 1 s, 2 s, 4 s); deliveries run beside the run and never hold it up, and the
 * process waits for them (at most 30 s) before it exits.
 */
final class Webhooks {
    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SIGNATURE = "X-Cutover-Signature";
    private static final int ATTEMPTS = 5;

    private final List<TeamConfig.Webhook> hooks;
    private final String store;
    private final ExecutorService sender;
    private final HttpClient http;
    private final Map<String, JournalEvent> headers = new java.util.concurrent.ConcurrentHashMap<>();

    Webhooks(List<TeamConfig.Webhook> hooks, String store) {
        this.hooks = hooks;
        this.store = store;
        this.sender = hooks.isEmpty() ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cutover-webhooks");
            t.setDaemon(true);
            return t;
        });
        this.http = hooks.isEmpty() ? null : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Remembers a resumed run's header (runbook, operator, host) for the events that follow. */
    void started(JournalEvent runStarted) {
        headers.put(runStarted.run(), runStarted);
    }

    /** Called after {@code e} is committed: posts it when it is one of the run events webhooks get. */
    void observe(JournalEvent e) {
        if (e.seq() == 1) {
            headers.put(e.run(), e);
        }
        if (sender == null) {
            return;
        }
        String kind = kind(e);
        if (kind == null) {
            return;
        }
        Map<String, Object> body = body(kind, e, headers.get(e.run()));
        for (TeamConfig.Webhook h : hooks) {
            if (h.events().isEmpty() || h.events().contains(kind)) {
                sender.execute(() -> deliver(h, kind, e.run() + ":" + e.seq(), body));
            }
        }
    }

    /** The webhook event a journal event is, or null. */
    static String kind(JournalEvent e) {
        switch (e.event()) {
            case "run.started":
                return "plan".equals(e.dataString("mode")) ? null : "started";
            case "step.started":
                return "approval".equals(e.dataString("uses")) ? "waiting_for_approval" : null;
            case "run.finished":
                String status = e.dataString("status");
                if (status == null || status.equals("PLANNED")) {
                    return null;
                }
                return switch (status) {
                    case "SUCCEEDED" -> "succeeded";
                    case "ROLLED_BACK" -> "rolled_back";
                    case "ROLLBACK_FAILED" -> "rollback_failed";
                    default -> "failed";
                };
            default:
                return null;
        }
    }

    private Map<String, Object> body(String kind, JournalEvent e, JournalEvent header) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", kind);
        m.put("run_id", e.run());
        m.put("seq", e.seq());
        m.put("time", e.time());
        m.put("runbook", header == null ? null : header.dataString("runbook"));
        m.put("environment", header == null ? null : header.dataString("environment"));
        m.put("ticket", header == null ? null : header.dataString("ticket"));
        m.put("operator", e.operator());
        m.put("host", header == null ? null : header.dataString("host"));
        m.put("step", e.step());
        m.put("status", e.dataString("status"));
        m.put("reason", e.dataString("reason"));
        m.put("store", store);
        return m;
    }

    private void deliver(TeamConfig.Webhook h, String kind, String id, Map<String, Object> body) {
        byte[] payload;
        try {
            payload = JSON.writeValueAsBytes(h.slack() ? slack(kind, body) : body);
        } catch (JsonProcessingException e) {
            LOG.warn("webhook {}: cannot encode {}: {}", h, kind, e.getMessage());
            return;
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(h.url()).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("User-Agent", "cutover")
                .header("X-Cutover-Event", kind).header("X-Cutover-Delivery", id)
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
        if (h.secret() != null) {
            rb.header(SIGNATURE, "sha256=" + hmac(h.secret(), payload));
        }
        HttpRequest request = rb.build();
        long delay = 500;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status < 300) {
                    return;
                }
                if (status != 429 && status < 500) {
                    LOG.warn("webhook {}: {} refused with HTTP {}; not retried", h, kind, status);
                    return;
                }
                LOG.info("webhook {}: {} got HTTP {} (attempt {} of {})", h, kind, status, attempt, ATTEMPTS);
            } catch (IOException e) {
                LOG.info("webhook {}: {} failed: {} (attempt {} of {})", h, kind, e.getMessage(), attempt, ATTEMPTS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (attempt < ATTEMPTS) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                delay *= 2;
            }
        }
        LOG.warn("webhook {}: gave up on {} of run {} after {} attempts", h, kind, id, ATTEMPTS);
    }

    private static Map<String, Object> slack(String kind, Map<String, Object> b) {
        String text = "cutover: run " + b.get("run_id") + " (" + b.get("runbook") + (b.get("environment") == null ? ""
                : ", " + b.get("environment")) + ") by " + b.get("operator") + " on " + b.get("host") + ": "
                + kind.replace('_', ' ') + (b.get("step") == null ? "" : " at step " + b.get("step"))
                + (b.get("reason") == null ? "" : " (" + b.get("reason") + ")");
        return Map.of("text", text);
    }

    /** HMAC-SHA256 of {@code body} with {@code secret}, in hex. */
    static String hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** Waits (at most 30 s) for the deliveries queued so far. */
    void flush() {
        if (sender == null) {
            return;
        }
        java.util.concurrent.Future<?> marker = sender.submit(() -> { });
        try {
            marker.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("webhooks: some deliveries are still pending after 30 s and are dropped");
        }
    }
}
