package io.loopforge.codegen;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Macro name parts from the names of states and inputs: {@code theta} → {@code THETA},
 * {@code x[0]} → {@code X_0}, {@code dθ/dt} → {@code D_DT}. Letters and digits of ASCII are kept (in capitals),
 * every other run of characters becomes one underscore, leading and trailing ones are dropped; a name with
 * nothing left is its index. Names that come out equal, or equal to a reserved part, get their index
 * appended ({@code a-b}, {@code a_b} → {@code A_B_0}, {@code A_B_1}) until all differ.
 */
final class MacroNames {
  private MacroNames() {}

  /**
   * One part per name, all distinct and none reserved.
   *
   * @param reserved parts that other macros of the same family use
   */
  static String[] parts(List<String> names, Predicate<String> reserved) {
    String[] out = new String[names.size()];
    for (int i = 0; i < out.length; i++) {
      String s = sanitize(names.get(i));
      out[i] = s.isEmpty() ? Integer.toString(i) : s;
    }
    for (int round = 0; ; round++) {
      Map<String, Integer> count = new HashMap<>();
      for (String s : out) {
        count.merge(s, 1, Integer::sum);
      }
      boolean clash = false;
      for (int i = 0; i < out.length; i++) {
        if (count.get(out[i]) > 1 || reserved.test(out[i])) {
          clash = true;
          out[i] = out[i] + "_" + i;
        }
      }
      if (!clash) {
        return out;
      }
      if (round > out.length + 1) {
        // each round makes clashing parts longer by a distinct index; this cannot go on
        throw new IllegalStateException("no distinct macro names for " + names);
      }
    }
  }

  static String sanitize(String name) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 128 && Character.isLetterOrDigit(c)) {
        s.append(Character.toUpperCase(c));
      } else if (s.length() > 0 && s.charAt(s.length() - 1) != '_') {
        s.append('_');
      }
    }
    if (s.length() > 0 && s.charAt(s.length() - 1) == '_') {
      s.setLength(s.length() - 1);
    }
    return s.toString().toUpperCase(Locale.ROOT);
  }
}
