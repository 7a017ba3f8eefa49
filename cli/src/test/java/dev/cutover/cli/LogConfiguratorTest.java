package dev.cutover.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.cutover.secrets.Masker;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogConfiguratorTest {
    @Test
    void logsGoToStderrWithSecretsMaskedInMessagesAndStackTraces() {
        String secret = "log-canary-4471-secret";
        Masker.global().register(secret);
        LoggerContext ctx = new LoggerContext();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        ctx.start();
        LogConfigurator.install(ctx, out);
        Logger log = ctx.getLogger("dev.cutover.test");
        log.warn("connecting with password {}", secret);
        log.warn("step failed", new IllegalStateException("server said: bad password " + secret));
        log.debug("not shown at the default level " + secret);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("WARN  dev.cutover.test - connecting with password ***"), text);
        assertTrue(text.contains("IllegalStateException: server said: bad password ***"), text);
        assertFalse(text.contains(secret), text);
        assertFalse(text.contains("not shown"), text);
    }
}
