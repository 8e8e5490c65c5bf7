package io.loopforge.codegen;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Target languages of the generator. */
public enum Language {
  /** C11: {@code <prefix>.h} and {@code <prefix>.c}. */
  C,
  /** The Java twin: one class with the same API and float32 operation order. */
  JAVA;

  /** Parses a comma-separated list such as {@code c,java} (case-insensitive). */
  public static Set<Language> parseList(String list) {
    EnumSet<Language> out = EnumSet.noneOf(Language.class);
    for (String s : list.split(",")) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      if (t.isEmpty()) {
        continue;
      }
      switch (t) {
        case "c":
          out.add(C);
          break;
        case "java":
          out.add(JAVA);
          break;
        default:
          throw new CodegenException("unknown language '" + s.trim() + "': expected c, java or both (c,java)");
      }
    }
    if (out.isEmpty()) {
      throw new CodegenException("no language given: expected c, java or both (c,java)");
    }
    return out;
  }
}
