package io.loopforge.codegen;

import java.util.Locale;

/** Arithmetic of the generated inference code. */
public enum Precision {
  /** IEEE-754 binary32 throughout (the default; bit-identical C and Java). */
  F32,
  /**
   * Network inference in int16 Q15 fixed point with int32 accumulators (ReLU networks only); inputs and
   * outputs stay float. Bit-identical C and Java; the error against the float model is reported.
   */
  Q15;

  /** Parses {@code f32} or {@code q15} (case-insensitive). */
  public static Precision parse(String s) {
    switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "f32":
        return F32;
      case "q15":
        return Q15;
      default:
        throw new CodegenException("unknown precision '" + s + "': expected f32 or q15");
    }
  }
}
