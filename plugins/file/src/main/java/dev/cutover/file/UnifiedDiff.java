package dev.cutover.file;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** A unified diff of a file's old and new text (java-diff-utils), for {@code cutover plan}. */
final class UnifiedDiff {
    static final int MAX_LINES = 200;
    private static final int CONTEXT = 3;

    private UnifiedDiff() {
    }

    /**
     * The diff lines; {@code before} null when the file does not exist. Each text is masked as a whole before it
     * is split into lines, so a secret spanning lines (a PEM key) is masked too.
     */
    static List<String> of(String path, byte[] before, byte[] after, UnaryOperator<String> mask) {
        String oldText = before == null ? "" : text(before);
        String newText = text(after);
        oldText = oldText == null ? null : mask.apply(oldText);
        newText = newText == null ? null : mask.apply(newText);
        if (oldText == null || newText == null) {
            return List.of("~ binary content: " + (before == null ? "(new file)" : before.length + " bytes") + " -> "
                    + after.length + " bytes");
        }
        List<String> oldLines = oldText.isEmpty() ? List.of() : oldText.lines().toList();
        List<String> newLines = newText.isEmpty() ? List.of() : newText.lines().toList();
        Patch<String> patch = DiffUtils.diff(oldLines, newLines);
        List<String> diff = UnifiedDiffUtils.generateUnifiedDiff(before == null ? "/dev/null" : path, path, oldLines,
                patch, CONTEXT);
        if (diff.isEmpty() && !oldText.equals(newText)) {
            return List.of("~ only line endings or the final newline differ");
        }
        if (diff.size() > MAX_LINES) {
            List<String> cut = new ArrayList<>(diff.subList(0, MAX_LINES));
            cut.add("... " + (diff.size() - MAX_LINES) + " more diff lines");
            return cut;
        }
        return diff;
    }

    /** UTF-8 text, or null when the bytes are not text. */
    private static String text(byte[] bytes) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return s.indexOf('\0') >= 0 ? null : s;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
