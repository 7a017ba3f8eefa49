package dev.cutover.cli;

import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.run.Abort;
import dev.cutover.run.Connectors;
import dev.cutover.run.Engine;
import dev.cutover.run.HostResult;
import dev.cutover.run.RunListener;
import dev.cutover.run.RunOptions;
import dev.cutover.run.RunOutcome;
import dev.cutover.run.RunStatus;
import dev.cutover.runbook.Fleet;
import dev.cutover.runbook.InventoryReader;
import dev.cutover.runbook.ParamResolver;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookLoader;
import dev.cutover.secrets.Masker;
import dev.cutover.spi.Host;
import dev.cutover.spi.HostConnector;
import dev.cutover.spi.HostSpec;
import dev.cutover.spi.LocalHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine with a transport given to it (as the SSH transport plugs in): a connector of transport
 * {@code keyed} that runs on this machine but checks a host key first, the way a real one does: a host whose
 * key is unknown stops the run in preflight with nothing changed on any host, and a new key it accepts is
 * journaled.
 */
class FleetConnectorTest {
    @TempDir
    Path dir;

    /** Runs on this machine; host "new-*" presents a new key (accepted), host "evil-*" an unknown one. */
    static final class KeyCheckingConnector implements HostConnector {
        @Override
        public String transport() {
            return "keyed";
        }

        @Override
        public Host connect(HostSpec spec, HostKeyListener listener) throws HostKeyException {
            if (spec.name().startsWith("evil-")) {
                throw new HostKeyException("host key of " + spec.address() + " is not in known_hosts "
                        + spec.settings().knownHosts(), false);
            }
            if (spec.name().startsWith("new-")) {
                listener.accepted(spec.name(), "ssh-ed25519", "SHA256:test-fingerprint-" + spec.name());
            }
            return new LocalHost(spec.name());
        }

        @Override
        public void close() {
            // nothing open
        }
    }

    private RunOutcome run(String... hosts) throws Exception {
        Path rb = dir.resolve("fleet.yaml");
        Files.writeString(rb, FleetRunTest.runbook("{ batch: 1 }").replace("${host.dir}", "${params.trace}.d"));
        Files.createDirectories(dir.resolve("trace.log.d"));
        StringBuilder env = new StringBuilder("trace: " + dir.resolve("trace.log") + "\ninventory:\n  ssh: { forks: 1, known_hosts: "
                + dir.resolve("known_hosts") + " }\n  groups:\n    web: { hosts: [" + String.join(", ", hosts)
                + "], transport: keyed }\n  hosts:\n");
        for (String h : hosts) {
            env.append("    ").append(h).append(": { address: 127.0.0.1 }\n");
        }
        Path envFile = dir.resolve("env.yaml");
        Files.writeString(envFile, env.toString());
        StepTypeRegistry registry = StepTypeRegistry.load();
        Runbook runbook = new RunbookLoader(registry).load(rb);
        Masker masker = new Masker();
        ParamResolver resolver = new ParamResolver(Map.of(), masker, true);
        ParamResolver.EnvironmentFile ef = ParamResolver.readEnvironment(envFile);
        Map<String, Object> params = resolver.resolve(runbook, ef, Map.of());
        var connectors = Connectors.of(() -> List.of(new KeyCheckingConnector()));
        Set<String> transports;
        try (Connectors c = connectors.get()) {
            transports = c.transports();
        }
        Fleet fleet = Fleet.resolve(runbook, new InventoryReader(resolver::secretFrom).read(ef), transports);
        RunOptions options = RunOptions.builder(dir.resolve("state")).operator("test").fleet(fleet).build();
        return new Engine(registry, connectors).run(runbook, params, options, masker, RunListener.NONE, new Abort());
    }

    @Test
    void aHostWithAnUnknownKeyStopsTheRunInPreflightBeforeAnythingChangesAnywhere() throws Exception {
        RunOutcome o = run("web-1", "evil-2", "web-3");
        assertEquals(RunStatus.PREFLIGHT_FAILED, o.status(), o.reason());
        assertTrue(o.reason().contains("evil-2 (unknown host key: host key of 127.0.0.1 is not in known_hosts"),
                o.reason());
        assertEquals(List.of(), TraceRunbooks.trace(dir.resolve("trace.log")));
        assertTrue(o.hosts().stream().allMatch(h -> h.state() == HostResult.State.NOT_REACHED), o.hosts().toString());
        List<JournalEvent> ev = JournalReader.read(o.journal()).events();
        assertTrue(ev.stream().anyMatch(e -> e.event().equals("host.unreachable") && "evil-2".equals(e.fleetHost())
                && "unknown".equals(e.dataString("host_key"))), ev.toString());
    }

    @Test
    void aNewHostKeyTheConnectorAcceptsIsJournaledAndTheRunGoesOn() throws Exception {
        RunOutcome o = run("new-1", "web-2");
        assertEquals(RunStatus.SUCCEEDED, o.status(), o.reason());
        List<JournalEvent> ev = JournalReader.read(o.journal()).events();
        JournalEvent accepted = ev.stream().filter(e -> e.event().equals("host.key_accepted")).findFirst().orElseThrow();
        assertEquals("new-1", accepted.fleetHost());
        assertEquals("SHA256:test-fingerprint-new-1", accepted.dataString("fingerprint"));
        assertEquals(dir.resolve("known_hosts").toString(), accepted.dataString("known_hosts"));
        assertTrue(ev.stream().noneMatch(e -> e.event().equals("host.key_accepted") && "web-2".equals(e.fleetHost())));
        assertEquals(List.of("global-before", "new-1 write", "new-1 restart", "new-1 check", "web-2 write",
                "web-2 restart", "web-2 check"), TraceRunbooks.trace(dir.resolve("trace.log")));
    }
}
