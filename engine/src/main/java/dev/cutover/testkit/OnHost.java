package dev.cutover.testkit;

import dev.cutover.spi.Host;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepType;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A step type whose every call sees a context whose {@link StepContext#host()} is a given host: how the test
 * kit runs a plugin's step on a fleet host (a real sshd in tests) through the engine's own step runner. The
 * wrapper has exactly the capability interfaces of the wrapped type.
 */
final class OnHost {
    private OnHost() {
    }

    static StepType wrap(StepType type, Host host) {
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        for (Class<?> c = type.getClass(); c != null; c = c.getSuperclass()) {
            collect(c, interfaces);
        }
        InvocationHandler handler = (proxy, method, args) -> {
            Object[] a = args == null ? null : args.clone();
            if (a != null) {
                for (int i = 0; i < a.length; i++) {
                    if (a[i] instanceof StepContext ctx) {
                        a[i] = context(ctx, host);
                    }
                }
            }
            return call(method, type, a);
        };
        return (StepType) Proxy.newProxyInstance(StepType.class.getClassLoader(), interfaces.toArray(Class<?>[]::new),
                handler);
    }

    private static void collect(Class<?> c, Set<Class<?>> into) {
        for (Class<?> i : c.getInterfaces()) {
            if (StepType.class.isAssignableFrom(i) && java.lang.reflect.Modifier.isPublic(i.getModifiers())) {
                into.add(i);
            }
            collect(i, into);
        }
    }

    private static StepContext context(StepContext ctx, Host host) {
        return (StepContext) Proxy.newProxyInstance(StepContext.class.getClassLoader(),
                new Class<?>[] {StepContext.class}, (proxy, method, args) -> method.getName().equals("host")
                        && method.getParameterCount() == 0 ? host : call(method, ctx, args));
    }

    private static Object call(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
