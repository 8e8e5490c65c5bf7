package io.loopforge.codegen;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.lang.model.SourceVersion;

/**
 * What to generate and how to name it: the symbol {@link #prefix()} (C: {@code <prefix>_step},
 * {@code <PREFIX>_NX}, files {@code <prefix>.h/.c}), the Java twin's package and class, the languages
 * and the {@link Precision}. Immutable; build with {@link #builder(String)}.
 */
public final class CodegenOptions {
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,40}");
  private static final Set<String> C_RESERVED = Set.of("auto", "break", "case", "char", "const", "continue",
      "default", "do", "double", "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
      "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
      "union", "unsigned", "void", "volatile", "while", "main");

  private final String prefix;
  private final Set<Language> languages;
  private final Precision precision;
  private final String javaPackage;
  private final String javaClassName;
  private final double inputRange;

  private CodegenOptions(Builder b) {
    this.inputRange = b.inputRange;
    this.prefix = b.prefix;
    // an EnumSet keeps the languages in declaration order: Set.copyOf's order changes from one JVM to the next,
    // and toString() goes into the Maven plugin's up-to-date stamp
    this.languages = java.util.Collections.unmodifiableSet(EnumSet.copyOf(b.languages));
    this.precision = b.precision;
    this.javaPackage = b.javaPackage;
    this.javaClassName = b.javaClassName == null ? className(prefix) : b.javaClassName;
    if (!SourceVersion.isName(javaClassName) || javaClassName.contains(".")) {
      throw new CodegenException("'" + javaClassName + "' is not a valid Java class name");
    }
  }

  /**
   * @param prefix C symbol prefix: a letter, then letters, digits or underscores (at most 41 characters)
   * @throws CodegenException when the prefix is not a valid C identifier
   */
  public static Builder builder(String prefix) {
    return new Builder(prefix);
  }

  /** Why {@code prefix} is not usable as a C symbol prefix, or null when it is. */
  static String prefixProblem(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      return "prefix '" + prefix + "' is not usable as a C symbol prefix: use a letter, then"
          + " letters, digits or underscores (at most 41 characters), e.g. 'pendulum_lqr'";
    }
    if (C_RESERVED.contains(prefix)) {
      return "prefix '" + prefix + "' is a C keyword; choose another";
    }
    String lower = prefix.toLowerCase(Locale.ROOT);
    if (lower.equals("lf") || lower.startsWith("lf_")) {
      return "prefix '" + prefix + "' is reserved: lf and lf_... name Loopforge's own files and symbols"
          + " (lf_common.h, LF_OK, the firmware's lf_*); choose another";
    }
    return null;
  }

  /** The default Java class name for a prefix: {@code lorenz_sindy} → {@code LorenzSindy}. */
  public static String className(String prefix) {
    StringBuilder s = new StringBuilder();
    for (String part : prefix.split("_")) {
      if (!part.isEmpty()) {
        s.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
      }
    }
    return s.length() == 0 ? "Model" : s.toString();
  }

  /**
   * A prefix derived from a file name: {@code cart-pole.v2.json} → {@code cart_pole_v2}; a leading
   * digit, and the reserved {@code lf} / {@code lf_}, get an {@code m} in front.
   */
  public static String prefixFromFileName(String fileName) {
    String stem = fileName;
    int dot = stem.lastIndexOf('.');
    if (dot > 0) {
      stem = stem.substring(0, dot);
    }
    String p = stem.replaceAll("[^A-Za-z0-9_]", "_");
    String lower = p.toLowerCase(Locale.ROOT);
    if (p.isEmpty() || !Character.isLetter(p.charAt(0)) || lower.equals("lf") || lower.startsWith("lf_")) {
      p = "m" + p;
    }
    if (p.length() > 41) {
      p = p.substring(0, 41);
    }
    return C_RESERVED.contains(p) ? p + "_model" : p;
  }

  public String prefix() {
    return prefix;
  }

  /** The prefix in capitals, for macros: {@code <PREFIX>_NX}. */
  public String macroPrefix() {
    return prefix.toUpperCase(Locale.ROOT);
  }

  public Set<Language> languages() {
    return languages;
  }

  public Precision precision() {
    return precision;
  }

  public String javaPackage() {
    return javaPackage;
  }

  public String javaClassName() {
    return javaClassName;
  }

  /**
   * The input box {@code |z_i| ≤ inputRange} (network input units) over which the Q15 variant's
   * worst-case error is bounded and reported.
   */
  public double inputRange() {
    return inputRange;
  }

  @Override
  public String toString() {
    return "CodegenOptions[prefix " + prefix + ", languages " + languages + ", precision " + precision
        + (precision == Precision.Q15 ? " (input range " + inputRange + ")" : "") + ", java "
        + (javaPackage.isEmpty() ? "" : javaPackage + ".") + javaClassName + "]";
  }

  /** Builds {@link CodegenOptions}. Defaults: C and Java, {@link Precision#F32}, package {@code loopforge.generated}. */
  public static final class Builder {
    private final String prefix;
    private Set<Language> languages = EnumSet.allOf(Language.class);
    private Precision precision = Precision.F32;
    private String javaPackage = "loopforge.generated";
    private String javaClassName;
    private double inputRange = 1.0;

    private Builder(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      String problem = prefixProblem(prefix);
      if (problem != null) {
        throw new CodegenException(problem);
      }
      this.prefix = prefix;
    }

    public Builder languages(Set<Language> languages) {
      if (languages.isEmpty()) {
        throw new CodegenException("no language given: expected c, java or both");
      }
      this.languages = EnumSet.copyOf(languages);
      return this;
    }

    public Builder languages(Language first, Language... rest) {
      return languages(EnumSet.of(first, rest));
    }

    public Builder precision(Precision precision) {
      this.precision = Objects.requireNonNull(precision);
      return this;
    }

    /** Package of the Java twin; empty for the unnamed package. */
    public Builder javaPackage(String javaPackage) {
      if (!javaPackage.isEmpty() && !SourceVersion.isName(javaPackage)) {
        throw new CodegenException("'" + javaPackage + "' is not a valid Java package name");
      }
      this.javaPackage = javaPackage;
      return this;
    }

    /** Simple name of the Java twin class; default {@link CodegenOptions#className(String) className(prefix)}. */
    public Builder javaClassName(String javaClassName) {
      this.javaClassName = javaClassName;
      return this;
    }

    /**
     * Q15 only: the network inputs are assumed to lie in {@code [-range, range]}; the worst-case error
     * reported for the Q15 code holds there. Default 1.
     */
    public Builder inputRange(double range) {
      if (!(range > 0) || Double.isInfinite(range)) {
        throw new CodegenException("the input range must be a positive number, got " + range);
      }
      this.inputRange = range;
      return this;
    }

    public CodegenOptions build() {
      return new CodegenOptions(this);
    }
  }
}
