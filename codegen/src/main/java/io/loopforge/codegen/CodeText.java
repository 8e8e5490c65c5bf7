package io.loopforge.codegen;

/** Lines of code with brace-driven indentation (two spaces per level), LF line ends. */
final class CodeText {
  private final StringBuilder text = new StringBuilder();
  private final int base;
  private int depth;

  CodeText() {
    this(0);
  }

  /** Text that starts {@code base} levels deep (e.g. 1 for a function body). */
  CodeText(int base) {
    this.base = base;
    this.depth = base;
  }

  /** A statement line. */
  CodeText line(String s) {
    text.append("  ".repeat(depth)).append(s).append('\n');
    return this;
  }

  /** A line ending in {@code {}: indents what follows. */
  CodeText open(String s) {
    line(s);
    depth++;
    return this;
  }

  /** Closes the innermost block with {@code }}. */
  CodeText close() {
    depth--;
    return line("}");
  }

  /** Closes the innermost block with {@code }} followed by {@code s} (e.g. {@code else {}). */
  CodeText closeOpen(String s) {
    depth--;
    line("} " + s);
    depth++;
    return this;
  }

  /** A line at column 0 whatever the depth (preprocessor directives). */
  CodeText raw(String s) {
    text.append(s).append('\n');
    return this;
  }

  CodeText blank() {
    text.append('\n');
    return this;
  }

  @Override
  public String toString() {
    if (depth != base) {
      throw new IllegalStateException("unbalanced blocks: depth " + depth + "\n" + text);
    }
    return text.toString();
  }
}
