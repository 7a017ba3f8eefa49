package dev.cutover.cli;

import dev.cutover.spi.AtomicFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * runbooks/service-config-change.yaml (the newcomer's change) against the real release service: plan shows
 * the diff, a good release succeeds, a release that is not installed rolls back byte for byte with the
 * service healthy again, and {@code rehearse --fail-each} proves every rollback.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceConfigChangeRunbookIT {
    private static Path work;
    private static ReleaseServiceFixture service;
    private static Path runbook;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("cutover-config-change-it-");
        service = new ReleaseServiceFixture(work);
        runbook = service.runbooks.resolve("service-config-change.yaml");
        Files.writeString(service.config, "port=" + service.port + "\nrelease=2.4.1\nreleases_dir=" + service.releases
                + "\n");
        Files.setPosixFilePermissions(service.config, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(service.runbooks.resolve("environments/it.yaml"), "config_file: " + service.config + "\n"
                + "releases_dir: " + service.releases + "\n"
                + "port: " + service.port + "\n"
                + "health_url: " + service.healthUrl("http") + "\n"
                + service.serviceEnvironment());
        service.start(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        Trees.delete(work);
    }

    private static CliRun cutover(String command, String... more) {
        return new LibraryRunbook(runbook, work.resolve("state"), Map.of()).cutover(command, more);
    }

    @Test
    @Order(1)
    void validatesAndPlanShowsTheDiffOfTheConfigurationFile() throws Exception {
        CliRun v = cutover("validate", "--set", "release=2.5.0");
        assertEquals(0, v.exit(), v.all());
        String before = AtomicFiles.sha256(service.config);
        CliRun plan = cutover("plan", "--set", "release=2.5.0");
        assertEquals(0, plan.exit(), plan.all());
        assertTrue(plan.out().contains("-release=2.4.1"), plan.out());
        assertTrue(plan.out().contains("+release=2.5.0"), plan.out());
        assertEquals(before, AtomicFiles.sha256(service.config), "plan changes nothing");
    }

    @Test
    @Order(2)
    void switchesToAnInstalledRelease() throws Exception {
        CliRun r = cutover("run", "--set", "release=2.5.0", "--yes");
        assertEquals(0, r.exit(), r.all());
        assertTrue(service.health().startsWith("200 {\"status\":\"UP\",\"release\":\"2.5.0\""), service.health());
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(service.config)));
    }

    @Test
    @Order(3)
    void aReleaseThatIsNotInstalledRollsBackByteForByteAndTheServiceIsHealthyAgain() throws Exception {
        String before = AtomicFiles.sha256(service.config);
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(service.config));
        long pid = service.running().orElseThrow().pid();

        CliRun r = cutover("run", "--set", "release=9.9.9", "--yes");

        assertEquals(1, r.exit(), r.all());
        assertTrue(r.all().contains("ROLLED_BACK"), r.all());
        assertEquals(before, AtomicFiles.sha256(service.config), "the file is back byte for byte");
        assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(service.config)));
        assertTrue(service.running().orElseThrow().pid() != pid, "restarted on the restored file");
        assertTrue(service.health().startsWith("200 {\"status\":\"UP\",\"release\":\"2.5.0\""), service.health());
    }

    @Test
    @Order(4)
    void rehearseFailEachProvesEveryRollback() throws Exception {
        String before = AtomicFiles.sha256(service.config);
        new LibraryRunbook(runbook, work.resolve("state"), Map.of())
                .assertRehearsalProven(List.of("write-config", "restart-service"), "--set", "release=2.4.1");
        assertEquals(before, AtomicFiles.sha256(service.config));
        assertTrue(service.health().startsWith("200 {\"status\":\"UP\",\"release\":\"2.5.0\""), service.health());
    }
}
