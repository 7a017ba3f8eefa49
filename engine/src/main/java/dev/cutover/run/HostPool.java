package dev.cutover.run;

import dev.cutover.journal.Journal;
import dev.cutover.secrets.Masker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Works on fleet hosts at most {@code forks} at once, each on a thread whose journal events carry the host.
 * Hosts of {@code transport: local} work one at a time: their steps start processes of this JVM, and stopping a
 * step's process tree also takes the JVM's untagged children started meanwhile, as if they were its own.
 */
final class HostPool implements AutoCloseable {
    private static final ReentrantLock LOCAL_PROCESSES = new ReentrantLock();
    private final ExecutorService pool;
    private final Masker masker;

    HostPool(int forks, Masker masker) {
        this.masker = masker;
        this.pool = Executors.newFixedThreadPool(Math.max(1, forks), r -> {
            Thread t = new Thread(r, "cutover-host");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs work for each host and waits for all; returns the hosts whose work returned an error, in the given
     * order.
     *
     * @param local which hosts are this machine's ({@code transport: local})
     */
    Map<String, String> each(List<String> hosts, Predicate<String> local, Function<String, String> work) {
        Map<String, Future<String>> futures = new LinkedHashMap<>();
        for (String n : hosts) {
            boolean here = local.test(n);
            futures.put(n, pool.submit(() -> {
                Journal.onHost(n);
                if (here) {
                    LOCAL_PROCESSES.lock();
                }
                try {
                    return work.apply(n);
                } finally {
                    if (here) {
                        LOCAL_PROCESSES.unlock();
                    }
                    Journal.onHost(null);
                }
            }));
        }
        Map<String, String> errors = new LinkedHashMap<>();
        for (Map.Entry<String, Future<String>> e : futures.entrySet()) {
            try {
                String err = e.getValue().get();
                if (err != null) {
                    errors.put(e.getKey(), err);
                }
            } catch (ExecutionException ex) {
                if (ex.getCause() instanceof dev.cutover.journal.JournalWriteException jw) {
                    throw jw;
                }
                errors.put(e.getKey(), "internal error: " + masker.mask(String.valueOf(ex.getCause())));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                errors.put(e.getKey(), "interrupted");
            }
        }
        return errors;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
