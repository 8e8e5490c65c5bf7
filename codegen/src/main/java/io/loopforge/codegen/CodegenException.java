package io.loopforge.codegen;

/**
 * A user-facing failure of code generation: a model that cannot be generated (e.g. a custom SINDy
 * library function), a bad option, an unreadable or malformed model file. The message says what and
 * where.
 */
public final class CodegenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CodegenException(String message) {
    super(message);
  }

  public CodegenException(String message, Throwable cause) {
    super(message, cause);
  }
}
