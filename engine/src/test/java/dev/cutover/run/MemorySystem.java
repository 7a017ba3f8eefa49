package dev.cutover.run;

import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.spi.Check;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Intent;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.ProbeResult;
import dev.cutover.spi.Probeable;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Undoable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory "system" of keys and values and step types that change and check it, so the engine's
 * run semantics can be tested fast and exactly: {@code mem.set} (a change with a built-in undo and a
 * probe, which can fail or hang after changing), {@code mem.put} (a change with no undo or probe of its
 * own) and {@code mem.expect} (a check).
 */
final class MemorySystem {
    final Map<String, String> values = new ConcurrentHashMap<>();
    final List<String> trace = Collections.synchronizedList(new ArrayList<>());

    StepTypeRegistry registry() {
        return new StepTypeRegistry(List.of(new SetType(), new PutType(), new ExpectType(), new WaitUntilStep(),
                new ApprovalStep()));
    }

    final class SetType implements Undoable, Probeable {
        @Override
        public String id() {
            return "mem.set";
        }

        @Override
        public List<InputSpec> inputs() {
            return List.of(InputSpec.required("key", InputType.STRING, "key"),
                    InputSpec.required("value", InputType.STRING, "value"),
                    InputSpec.optional("then", InputType.STRING, "ok", "ok, fail (after changing), "
                            + "fail-before (before changing), hang (after changing)"));
        }

        @Override
        public List<OutputSpec> outputs() {
            return List.of(OutputSpec.string("previous", "the value before"));
        }

        @Override
        public Intent prepare(StepContext ctx) throws StepFailedException {
            Map<String, Object> m = new HashMap<>();
            String key = ctx.inputs().string("key");
            m.put("key", key);
            m.put("previous", values.get(key));
            return Intent.of(m);
        }

        @Override
        public StepResult apply(StepContext ctx, Intent intent) throws StepFailedException, InterruptedException {
            String key = ctx.inputs().string("key");
            String then = ctx.inputs().string("then");
            if (then.equals("fail-before")) {
                throw new StepFailedException("refused before changing " + key);
            }
            values.put(key, ctx.inputs().string("value"));
            trace.add("set " + key + "=" + ctx.inputs().string("value"));
            if (then.equals("fail")) {
                throw new StepFailedException("failed after changing " + key);
            }
            if (then.equals("hang")) {
                Thread.sleep(60_000);
            }
            Map<String, Object> out = new HashMap<>();
            out.put("previous", intent.string("previous"));
            return StepResult.done(out);
        }

        @Override
        public StepResult undo(StepContext ctx, Intent intent) {
            String key = intent.string("key");
            String previous = intent.string("previous");
            if (previous == null) {
                values.remove(key);
            } else {
                values.put(key, previous);
            }
            trace.add("undo " + key);
            return StepResult.done(Map.of());
        }

        @Override
        public ProbeResult probe(StepContext ctx, Intent intent) {
            try {
                return ctx.inputs().string("value").equals(values.get(ctx.inputs().string("key")))
                        ? ProbeResult.DONE : ProbeResult.NOT_DONE;
            } catch (StepFailedException e) {
                return ProbeResult.UNKNOWN;
            }
        }
    }

    /** A change with no built-in undo and no probe: nothing can tell whether it happened. */
    final class PutType implements dev.cutover.spi.Change {
        @Override
        public String id() {
            return "mem.put";
        }

        @Override
        public List<InputSpec> inputs() {
            return List.of(InputSpec.required("key", InputType.STRING, "key"),
                    InputSpec.optional("value", InputType.STRING, null, "value; absent removes the key"),
                    InputSpec.optional("then", InputType.STRING, "ok", "ok, fail, hang"));
        }

        @Override
        public StepResult apply(StepContext ctx, Intent intent) throws StepFailedException, InterruptedException {
            String key = ctx.inputs().string("key");
            if (ctx.inputs().has("value")) {
                values.put(key, ctx.inputs().string("value"));
            } else {
                values.remove(key);
            }
            trace.add("put " + key + "=" + values.get(key));
            String then = ctx.inputs().string("then");
            if (then.equals("fail")) {
                throw new StepFailedException("failed after changing " + key);
            }
            if (then.equals("hang")) {
                Thread.sleep(60_000);
            }
            return StepResult.done(Map.of());
        }
    }

    final class ExpectType implements Check {
        @Override
        public String id() {
            return "mem.expect";
        }

        @Override
        public List<InputSpec> inputs() {
            return List.of(InputSpec.required("key", InputType.STRING, "key"),
                    InputSpec.optional("equals", InputType.STRING, null, "expected value; absent: the key is absent"));
        }

        @Override
        public List<OutputSpec> outputs() {
            return List.of(OutputSpec.string("value", "the value found"));
        }

        @Override
        public StepResult check(StepContext ctx) throws StepFailedException {
            String key = ctx.inputs().string("key");
            String found = values.get(key);
            String want = ctx.inputs().has("equals") ? ctx.inputs().string("equals") : null;
            trace.add("expect " + key);
            if (want == null ? found != null : !want.equals(found)) {
                throw new StepFailedException(key + " is " + found + ", expected " + want);
            }
            Map<String, Object> out = new HashMap<>();
            out.put("value", found == null ? "" : found);
            return StepResult.done(out);
        }
    }
}
