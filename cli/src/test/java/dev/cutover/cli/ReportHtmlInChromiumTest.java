package dev.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Renders the HTML report in a real headless Chromium and checks what a reader would see. */
class ReportHtmlInChromiumTest {
    @TempDir
    Path dir;

    /** Chromium from $CHROMIUM or the PATH; the test fails (never skips) without it. */
    static String chromium() {
        String env = System.getenv("CHROMIUM");
        List<String> candidates = new ArrayList<>();
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        for (String name : List.of("chromium", "chromium-browser", "google-chrome", "chrome")) {
            for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                candidates.add(Path.of(p, name).toString());
            }
        }
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return fail("headless Chromium is needed to check the HTML report and was not found (looked for $CHROMIUM, "
                + "chromium, chromium-browser, google-chrome on the PATH). Install it: apt-get install -y chromium "
                + "(./test installs it when run as root).");
    }

    private String browser(Path profile, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("chromium.log").toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium did not finish");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("chromium.log")));
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void theHtmlReportRendersItsTimelineAndKeyFactsInHeadlessChromium() throws Exception {
        assertEquals(0, CliRun.of("keygen", "--out", dir.resolve("keys").toString()).exit());
        Path state = dir.resolve("state");
        String yaml = ReportCommandTest.runbook(0, 0).replace("'echo healthy >> \"$TRACE\"; exit 0'",
                "'echo healthy >> \"$TRACE\"; test $(grep -c healthy \"$TRACE\") -gt 2'");
        String id = ReportCommandTest.run(dir, state, yaml, 1, "--sign-key",
                dir.resolve("keys/cutover-sign-key.pem").toString());
        Path html = dir.resolve("report.html");
        CliRun r = CliRun.of("report", id, "--format", "html", "--out", html.toString(), "--state-dir",
                state.toString(), "--public-key", dir.resolve("keys/cutover-sign-pub.pem").toString());
        assertEquals(0, r.exit(), r.all());
        JsonNode json = new ObjectMapper().readTree(CliRun.of("report", id, "--format", "json", "--state-dir",
                state.toString()).out());

        String dom = browser(dir.resolve("profile1"), "--dump-dom", html.toUri().toString());
        assertTrue(dom.contains("<svg id=\"timeline\""), dom);
        Matcher bars = Pattern.compile("<rect class=\"bar\" data-section=\"([a-z]+)\" data-step=\"([a-z-]+)\" "
                + "data-outcome=\"([a-z, ]+)\"").matcher(dom);
        List<String> seen = new ArrayList<>();
        while (bars.find()) {
            seen.add(bars.group(1) + "/" + bars.group(2) + " " + bars.group(3));
        }
        assertEquals(List.of("preflight/reachable ok", "steps/import-ca ok", "steps/restart-app ok",
                "validate/healthy failed, retrying", "validate/healthy failed", "undo/import-ca undone",
                "rollback/restart-again ok", "revalidate/reachable ok", "revalidate/healthy ok"), seen);
        assertEquals(json.get("spans").size(), seen.size());
        assertTrue(dom.contains("ROLLED_BACK (exit 1)"), "final status");
        assertTrue(dom.contains("<th>Operator</th><td>alice</td>"), "operator");
        assertTrue(dom.contains("<th>Ticket</th><td>CHG-7</td>"), "ticket");
        assertTrue(dom.contains(json.at("/run/runbook_sha256").asText()), "runbook hash");
        assertTrue(dom.contains("sealed with a valid Ed25519 signature by sha256:"), "verdict");
        assertTrue(dom.contains("<td>Re-validation</td><td>passed</td>") || dom.contains("<th>Re-validation</th><td>passed</td>"),
                "re-validation result");
        assertFalse(dom.contains(ReportCommandTest.CANARY));

        Path png = dir.resolve("report.png");
        browser(dir.resolve("profile2"), "--hide-scrollbars", "--window-size=1200,2200", "--screenshot=" + png,
                html.toUri().toString());
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "a PNG screenshot");
        assertTrue(hasColour(img, 0x2e7d32), "a green bar for steps that succeeded is painted");
        assertTrue(hasColour(img, 0x6a1b9a), "a purple bar for the undone step is painted");
        assertTrue(hasColour(img, 0xc62828), "a red bar for the failed validation is painted");
    }

    private static boolean hasColour(BufferedImage img, int rgb) {
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y) & 0xffffff;
                if (Math.abs((p >> 16) - (rgb >> 16)) <= 3 && Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff)) <= 3
                        && Math.abs((p & 0xff) - (rgb & 0xff)) <= 3) {
                    return true;
                }
            }
        }
        return false;
    }
}
