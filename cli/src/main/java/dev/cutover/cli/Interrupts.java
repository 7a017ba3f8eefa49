package dev.cutover.cli;

import dev.cutover.run.Abort;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Ctrl-C, SIGTERM and SIGHUP for long commands: while installed, each calls a handler instead of
 * ending the JVM. Uses sun.misc.Signal reflectively (jdk.unsupported), since there is no public API
 * for it; a signal that cannot be handled (missing API, or ignored when the JVM started, as under
 * {@code nohup}) keeps its default behaviour.
 */
final class Interrupts implements AutoCloseable {
    /** The signals that ask a run to stop and roll back. */
    static final List<String> SIGNALS = List.of("INT", "TERM", "HUP");

    private final List<Object[]> previous;

    private Interrupts(List<Object[]> previous) {
        this.previous = previous;
    }

    /** Installs {@code onInterrupt} for SIGINT, SIGTERM and SIGHUP until {@link #close()}. */
    static Interrupts install(Runnable onInterrupt) {
        return install(reason -> onInterrupt.run());
    }

    /** Installs {@code onSignal} for SIGINT, SIGTERM and SIGHUP, told which one came, until {@link #close()}. */
    static Interrupts install(Consumer<Abort.Reason> onSignal) {
        List<Object[]> installed = new ArrayList<>();
        Class<?> signal;
        Class<?> handlerType;
        Method handle;
        try {
            signal = Class.forName("sun.misc.Signal");
            handlerType = Class.forName("sun.misc.SignalHandler");
            handle = signal.getMethod("handle", signal, handlerType);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new Interrupts(installed);
        }
        for (String name : SIGNALS) {
            Abort.Reason reason = Abort.Reason.ofSignal(name).orElseThrow();
            try {
                Object sig = signal.getConstructor(String.class).newInstance(name);
                InvocationHandler h = (Object proxy, Method m, Object[] args) -> {
                    if (m.getName().equals("handle")) {
                        onSignal.accept(reason);
                        return null;
                    }
                    if (m.getName().equals("hashCode")) {
                        return System.identityHashCode(proxy);
                    }
                    if (m.getName().equals("equals")) {
                        return proxy == args[0];
                    }
                    return m.getName().equals("toString") ? "cutover-" + name : null;
                };
                Object handler = Proxy.newProxyInstance(Interrupts.class.getClassLoader(), new Class<?>[] {handlerType},
                        h);
                installed.add(new Object[] {sig, handle.invoke(null, sig, handler), handle});
            } catch (ReflectiveOperationException | RuntimeException e) {
                // this signal keeps its default (e.g. SIGHUP ignored under nohup stays ignored)
            }
        }
        return new Interrupts(installed);
    }

    @Override
    public void close() {
        for (Object[] p : previous) {
            try {
                ((Method) p[2]).invoke(null, p[0], p[1]);
            } catch (ReflectiveOperationException | RuntimeException ignored) {
                // the handler stays; the process is about to end anyway
            }
        }
    }
}
