package dev.cutover.team;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TeamConfigTest {
    @TempDir
    Path home;

    private Map<String, String> env(String... kv) {
        Map<String, String> m = new java.util.HashMap<>(Map.of("HOME", home.toString()));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void localFilesUnlessAStoreIsNamedAndTheFlagBeatsTheVariableBeatsTheFile() throws Exception {
        assertEquals(Optional.empty(), TeamConfig.resolve(null, env()));
        Path conf = home.resolve(".config/cutover/config.yaml");
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, "state: postgresql://file@db/cutover\nlease: 5s\n");
        assertEquals("postgresql://file@db/cutover", TeamConfig.resolve(null, env()).orElseThrow().url());
        assertEquals(5, TeamConfig.resolve(null, env()).orElseThrow().lease().toSeconds());
        assertEquals("postgresql://var@db/cutover", TeamConfig.resolve(null,
                env("CUTOVER_STATE", "postgresql://var@db/cutover")).orElseThrow().url());
        assertEquals("postgresql://flag@db/cutover", TeamConfig.resolve("postgresql://flag@db/cutover",
                env("CUTOVER_STATE", "postgresql://var@db/cutover")).orElseThrow().url());
        assertEquals(Optional.empty(), TeamConfig.resolve("none", env()), "--state none: local files for once");
    }

    @Test
    void verifiesTheServersCertificateByDefaultAndKeepsAnExplicitChoice() throws Exception {
        TeamConfig c = TeamConfig.resolve("postgresql://ops@db.example.com:5433/cutover", env()).orElseThrow();
        assertTrue(c.jdbcUrl().startsWith("jdbc:postgresql://db.example.com:5433/cutover?sslmode=verify-full&"),
                c.jdbcUrl());
        assertEquals("ops", c.user());
        TeamConfig weak = TeamConfig.resolve("postgresql://db/cutover?sslmode=require", env()).orElseThrow();
        assertTrue(weak.jdbcUrl().contains("sslmode=require") && !weak.jdbcUrl().contains("verify-full"));
    }

    @Test
    void refusesAPasswordInTheUrlAndReadsItFromASecretSourceNeverShowingIt() throws Exception {
        TeamConfig.InvalidException e = assertThrows(TeamConfig.InvalidException.class,
                () -> TeamConfig.resolve("postgresql://ops:hunter2@db/cutover", env()));
        assertTrue(e.getMessage().contains("holds a password") && !e.getMessage().contains("hunter2"), e.getMessage());
        assertThrows(TeamConfig.InvalidException.class,
                () -> TeamConfig.resolve("postgresql://db/cutover?password=hunter2", env()));
        Path conf = home.resolve("c.yaml");
        Files.writeString(conf, "state: postgresql://ops@db/cutover\npassword: hunter2\n");
        TeamConfig.InvalidException literal = assertThrows(TeamConfig.InvalidException.class,
                () -> TeamConfig.resolve(null, env("CUTOVER_CONFIG", conf.toString())));
        assertFalse(literal.getMessage().contains("hunter2"), literal.getMessage());
        Files.writeString(conf, "state: postgresql://ops@db/cutover\npassword: env:DB_PASSWORD\n");
        TeamConfig c = TeamConfig.resolve(null, env("CUTOVER_CONFIG", conf.toString(), "DB_PASSWORD", "hunter2"))
                .orElseThrow();
        assertEquals("hunter2", c.password());
        assertFalse(c.toString().contains("hunter2"), c.toString());
    }
}
