package dev.cutover.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Ctrl-C for long commands: while installed, SIGINT calls a handler instead of ending the JVM. Uses
 * sun.misc.Signal reflectively (jdk.unsupported), since there is no public API for it; where it is
 * missing, Ctrl-C keeps its default behaviour.
 */
final class Interrupts implements AutoCloseable {
    private final Object[] previous;

    private Interrupts(Object[] previous) {
        this.previous = previous;
    }

    /** Installs {@code onInterrupt} as the SIGINT handler until {@link #close()}. */
    static Interrupts install(Runnable onInterrupt) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object sigint = signal.getConstructor(String.class).newInstance("INT");
            InvocationHandler h = (Object proxy, Method m, Object[] args) -> {
                if (m.getName().equals("handle")) {
                    onInterrupt.run();
                    return null;
                }
                return m.getName().equals("toString") ? "cutover-interrupt" : null;
            };
            Object handler = Proxy.newProxyInstance(Interrupts.class.getClassLoader(), new Class<?>[] {handlerType}, h);
            Method handle = signal.getMethod("handle", signal, handlerType);
            return new Interrupts(new Object[] {sigint, handle.invoke(null, sigint, handler), handle});
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new Interrupts(null);
        }
    }

    @Override
    public void close() {
        if (previous != null) {
            try {
                ((Method) previous[2]).invoke(null, previous[0], previous[1]);
            } catch (ReflectiveOperationException | RuntimeException ignored) {
                // the handler stays; the process is about to end anyway
            }
        }
    }
}
