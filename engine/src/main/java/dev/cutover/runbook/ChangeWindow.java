package dev.cutover.runbook;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One change window: days of the week, a time range (which may cross midnight) and a time zone,
 * e.g. {@code { days: [sat, sun], from: "01:00", to: "05:00", zone: Asia/Singapore }}.
 *
 * @param days days the window opens on (all days when empty in the runbook)
 * @param from opening time
 * @param to   closing time; {@code 24:00} is written as {@link LocalTime#MAX}
 * @param zone the zone the times are in
 */
public record ChangeWindow(Set<DayOfWeek> days, LocalTime from, LocalTime to, ZoneId zone) {

    /** Whether the window is open at this instant. */
    public boolean isOpen(Instant now) {
        ZonedDateTime z = now.atZone(zone);
        LocalTime t = z.toLocalTime();
        DayOfWeek d = z.getDayOfWeek();
        if (!from.isAfter(to)) {
            return days.contains(d) && !t.isBefore(from) && t.isBefore(to);
        }
        return days.contains(d) && !t.isBefore(from) || days.contains(d.minus(1)) && t.isBefore(to);
    }

    /** The next instant (after {@code now}) this window opens. */
    public Instant nextOpening(Instant now) {
        LocalDate day = now.atZone(zone).toLocalDate();
        for (int i = 0; i <= 8; i++) {
            LocalDate d = day.plusDays(i);
            if (days.contains(d.getDayOfWeek())) {
                Instant open = d.atTime(from).atZone(zone).toInstant();
                if (open.isAfter(now)) {
                    return open;
                }
            }
        }
        return now;
    }

    /** The earliest opening over several windows, or empty when none opens. */
    public static Optional<Instant> nextOpening(List<ChangeWindow> windows, Instant now) {
        return windows.stream().map(w -> w.nextOpening(now)).filter(i -> i.isAfter(now)).min(Instant::compareTo);
    }

    /** Whether any of the windows is open (true when there are none). */
    public static boolean anyOpen(List<ChangeWindow> windows, Instant now) {
        return windows.isEmpty() || windows.stream().anyMatch(w -> w.isOpen(now));
    }

    @Override
    public String toString() {
        List<String> names = days.stream().map(x -> x.name().substring(0, 3).toLowerCase(Locale.ROOT)).toList();
        return String.join(",", names) + " " + from + "-" + (to.equals(LocalTime.MAX) ? "24:00" : to.toString())
                + " " + zone;
    }

    /**
     * Parses a window, or a list of them, from plain YAML values.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static List<ChangeWindow> parse(Object raw) {
        List<ChangeWindow> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        List<?> items = raw instanceof List<?> l ? l : List.of(raw);
        for (Object o : items) {
            if (!(o instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("a window is a mapping with days, from, to and zone");
            }
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            Object ds = m.get("days");
            if (ds == null) {
                days = EnumSet.allOf(DayOfWeek.class);
            } else {
                for (Object d : ds instanceof List<?> dl ? dl : List.of(ds)) {
                    days.add(day(String.valueOf(d)));
                }
            }
            ZoneId zone;
            try {
                zone = m.get("zone") == null ? ZoneId.of("UTC") : ZoneId.of(String.valueOf(m.get("zone")));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("unknown time zone '" + m.get("zone") + "' (use e.g. Europe/London)");
            }
            out.add(new ChangeWindow(days, time(m.get("from")), time(m.get("to")), zone));
        }
        return out;
    }

    private static DayOfWeek day(String s) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().toLowerCase(Locale.ROOT).startsWith(s.toLowerCase(Locale.ROOT)) && s.length() >= 3) {
                return d;
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not a day; use mon, tue, wed, thu, fri, sat, sun");
    }

    private static LocalTime time(Object o) {
        String s = String.valueOf(o);
        if (s.equals("24:00")) {
            return LocalTime.MAX;
        }
        try {
            return LocalTime.parse(s);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + s + "' is not a time; write HH:MM");
        }
    }
}
