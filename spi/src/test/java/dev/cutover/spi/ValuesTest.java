package dev.cutover.spi;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one coercion policy as a step sees it through {@link Inputs}. */
class ValuesTest {
    private static Inputs inputs(Object v) {
        return new Inputs(Map.of("v", v), null);
    }

    @Test
    void onlyTrueAndFalseAreBooleansBareOrQuotedInAnyCase() throws StepFailedException {
        assertTrue(inputs(Boolean.TRUE).bool("v"));
        assertTrue(inputs(" TRUE ").bool("v"));
        assertFalse(inputs("False").bool("v"));
        for (String notBoolean : new String[] {"yes", "no", "on", "off", "y", "1", "0", ""}) {
            StepFailedException e = assertThrows(StepFailedException.class, () -> inputs(notBoolean).bool("v"),
                    notBoolean);
            assertTrue(e.getMessage().startsWith("input 'v': '" + notBoolean + "' "), e.getMessage());
            assertTrue(e.getMessage().endsWith("write true or false"), e.getMessage());
        }
    }

    @Test
    void integersAreWholeNumbersBareOrQuoted() throws StepFailedException {
        assertEquals(42, inputs(42).integer("v"));
        assertEquals(-7, inputs(" -7 ").integer("v"));
        assertEquals(3, inputs(3.0).integer("v"));
        assertEquals("input 'v' must be an integer: '2.5' is not an integer",
                assertThrows(StepFailedException.class, () -> inputs(2.5).integer("v")).getMessage());
        assertThrows(StepFailedException.class, () -> inputs("ten").integer("v"));
    }
}
