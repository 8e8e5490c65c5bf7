package io.loopforge.codegen;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One generated source file: its language, its path relative to the language's output root (for Java,
 * under the package directories) and its text (UTF-8, LF line ends).
 */
public final class GeneratedFile {
  private final Language language;
  private final String relativePath;
  private final String content;

  public GeneratedFile(Language language, String relativePath, String content) {
    this.language = Objects.requireNonNull(language);
    this.relativePath = Objects.requireNonNull(relativePath);
    this.content = Objects.requireNonNull(content);
  }

  public Language language() {
    return language;
  }

  /** E.g. {@code lorenz.c} or {@code com/acme/Lorenz.java}. */
  public String relativePath() {
    return relativePath;
  }

  public String content() {
    return content;
  }

  public byte[] bytes() {
    return content.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GeneratedFile && language == ((GeneratedFile) o).language
        && relativePath.equals(((GeneratedFile) o).relativePath) && content.equals(((GeneratedFile) o).content);
  }

  @Override
  public int hashCode() {
    return Objects.hash(language, relativePath, content);
  }

  @Override
  public String toString() {
    return language + ":" + relativePath + " (" + content.length() + " chars)";
  }
}
