package dev.cutover.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TextTableTest {
    @Test
    void columnsAreAsWideAsTheirWidestCellTwoSpacesApartWithNoTrailingSpaces() {
        TextTable t = TextTable.of("RUN", "DURATION", "OPERATOR").right(1)
                .row("20261126-154346-0884", "2.3s", "alice")
                .row("r2", "12m 05s", "");
        assertEquals(List.of(
                "RUN                   DURATION  OPERATOR",
                "20261126-154346-0884      2.3s  alice",
                "r2                     12m 05s"), t.lines());
    }

    @Test
    void aMissingValuePrintsAsADashNeverNull() {
        assertEquals(List.of("A  B", "-  x"), TextTable.of("A", "B").row(null, "x").lines());
    }

    @Test
    void longCellsAreCutToTheirMaximumAndLineBreaksAndControlCharactersCannotBreakTheLayout() {
        List<String> lines = TextTable.of("KEY", "V").max(0, 10).row("abcdefghijklmnop", "one\ntwo\u001b[2K").lines();
        assertEquals("abcdefg...  one two\\x1B[2K", lines.get(1));
    }

    @Test
    void formatPadsEveryCellToItsWidthForALineThatGoesOn() {
        TextTable t = TextTable.of("STEP", "TIME").width(0, 6).width(1, 5).right(1);
        assertEquals("ab         1s", t.format("ab", "1s"));
        assertEquals("long-step-id     1s", t.format("long-step-id", "1s"));
    }

    @Test
    void notesGoUnderTheirRowOutsideTheColumns() {
        TextTable t = TextTable.of("SCENARIO", "OK").row("clean", "yes").note("journal: /runs/1/journal.jsonl")
                .row("incident", "yes");
        assertEquals(List.of("SCENARIO  OK", "clean     yes", "    journal: /runs/1/journal.jsonl",
                "incident  yes"), t.lines());
    }

    @Test
    void aRowOfTheWrongLengthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TextTable.of("A", "B").row("x"));
    }
}
