package dev.cutover.run;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessIdentityTest {
    @Test
    void aLiveProcessIsAliveOnlyWithItsOwnStartTime() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        try {
            ProcessIdentity live = ProcessIdentity.of(p.pid()).orElseThrow();
            assertNotNull(live.start(), "a start time is read for a live process");
            assertTrue(live.isAlive(null));
            assertFalse(new ProcessIdentity(p.pid(), "1@" + live.start()).isAlive(null),
                    "the same pid with another start time is a reused pid, not the recorded process");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aProcessThatExitedIsDead() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        assertFalse(new ProcessIdentity(p.pid(), null).isAlive(null));
    }

    @Test
    void thisProcessIsTheRecordedOneOnlyWhenTheStartTimeMatches() {
        ProcessIdentity me = ProcessIdentity.current();
        assertTrue(me.isAlive(null));
        assertFalse(new ProcessIdentity(me.pid(), "0@other-boot").isAlive(null),
                "a journal from an earlier process with our pid (a container restart) is not us");
        assertFalse(new ProcessIdentity(me.pid(), null).isAlive(Instant.now()),
                "without a start time, a run in a journal is not the process reading it");
    }

    @Test
    void withoutAStartTimeAProcessThatStartedAfterTheRunIsNotTheRun() throws Exception {
        Instant runStarted = Instant.now().minusSeconds(3600);
        Process p = new ProcessBuilder("sleep", "60").start();
        try {
            assertFalse(new ProcessIdentity(p.pid(), null).isAlive(runStarted),
                    "the pid belongs to a process younger than the run");
            assertTrue(new ProcessIdentity(p.pid(), null).isAlive(Instant.now().plusSeconds(5)));
        } finally {
            p.destroyForcibly().waitFor();
        }
    }
}
