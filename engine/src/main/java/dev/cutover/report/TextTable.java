package dev.cutover.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one plain-text table of cutover's console output ({@code runs}, {@code steps}, drift, expiry,
 * rehearsal, the demo's summary): a header row, then one row per item (and its notes); columns two
 * spaces apart, as wide as their widest cell (at least a given width, at most a given maximum), left- or
 * right-aligned; a longer cell is cut with {@code ...}; line breaks in a cell become spaces; control
 * characters are made visible (as {@link Printable#line}); a missing value ({@code null}) prints as
 * {@code -}, never {@code null}; no line ends in spaces.
 *
 * <p>{@link #format(Object...)} lays out one row with widths set in advance, for lines printed as they
 * happen (a run's steps).
 */
public final class TextTable {
    /** What a missing value prints as. */
    public static final String MISSING = "-";
    private static final String GAP = "  ";

    private final String[] headers;
    private final boolean[] right;
    private final int[] max;
    private final int[] min;
    private final List<String[]> rows = new ArrayList<>();
    private final List<List<String>> notes = new ArrayList<>();

    private TextTable(String... headers) {
        this.headers = headers.clone();
        this.right = new boolean[headers.length];
        this.max = new int[headers.length];
        this.min = new int[headers.length];
        Arrays.fill(max, Integer.MAX_VALUE);
    }

    /** A table with these column headers. */
    public static TextTable of(String... headers) {
        return new TextTable(headers);
    }

    /** Right-aligns column {@code column} (numbers, durations). */
    public TextTable right(int column) {
        right[column] = true;
        return this;
    }

    /** Cuts column {@code column}'s cells to at most {@code width} characters. */
    public TextTable max(int column, int width) {
        max[column] = Math.max(4, width);
        return this;
    }

    /** Makes column {@code column} at least {@code width} wide, whatever its cells (for {@link #format}). */
    public TextTable width(int column, int width) {
        min[column] = width;
        return this;
    }

    /** Adds a row; {@code null} cells print as {@value #MISSING}. */
    public TextTable row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of "
                    + headers.length + " columns");
        }
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = cell(cells[i], i);
        }
        rows.add(r);
        notes.add(new ArrayList<>());
        return this;
    }

    /**
     * Adds a line printed under the last row, outside the columns (indented by four spaces; what the row's
     * cells cannot hold: a proof, a journal path, what a rollback left behind).
     */
    public TextTable note(String line) {
        if (rows.isEmpty()) {
            throw new IllegalStateException("a note needs a row above it");
        }
        notes.get(rows.size() - 1).add("    " + Printable.line(line));
        return this;
    }

    /** How many rows were added. */
    public int size() {
        return rows.size();
    }

    /** The header line and one line per row, each followed by its notes. */
    public List<String> lines() {
        int[] width = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            width[i] = Math.max(min[i], headers[i].length());
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        List<String> out = new ArrayList<>(rows.size() + 1);
        out.add(layout(headers, width));
        for (int i = 0; i < rows.size(); i++) {
            out.add(layout(rows.get(i), width));
            out.addAll(notes.get(i));
        }
        return out;
    }

    /**
     * One row laid out with the widths set by {@link #width} (not the other rows'), every cell padded, for a
     * line that goes on after it; a column without a width is not padded.
     */
    public String format(Object... cells) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                b.append(GAP);
            }
            b.append(align(cell(cells[i], i), min[i], right[i]));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return String.join("\n", lines());
    }

    private String cell(Object value, int column) {
        String s = value == null ? MISSING : Printable.line(value.toString().replace("\r\n", " ").replace('\n', ' ')
                .replace('\r', ' '));
        return s.length() <= max[column] ? s : s.substring(0, max[column] - 3) + "...";
    }

    private String layout(String[] cells, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                b.append(GAP);
            }
            b.append(align(cells[i], i == cells.length - 1 && !right[i] ? 0 : width[i], right[i]));
        }
        return b.toString().stripTrailing();
    }

    private static String align(String s, int width, boolean right) {
        String pad = " ".repeat(Math.max(0, width - s.length()));
        return right ? pad + s : s + pad;
    }
}
