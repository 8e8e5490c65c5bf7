package io.loopforge.modeling.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Why a file operation failed, in words for a message: Java's file exceptions carry the reason in their
 * type and often only a path in their message ({@code "cannot write x: /a/b"}), and their class names mean
 * nothing to the person reading the error.
 */
public final class FileErrors {
  private FileErrors() {}

  /** E.g. {@code permission denied on /a/b}, {@code /a/b exists and is not a folder}, {@code /a: No space left on device}. */
  public static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied on " + e.getMessage();
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or folder: " + e.getMessage();
    }
    if (e instanceof FileAlreadyExistsException) {
      return e.getMessage() + " exists and is not a folder";
    }
    if (e instanceof NotDirectoryException) {
      return e.getMessage() + " is not a folder";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return e.getMessage() + " is a folder that is not empty";
    }
    if (e instanceof FileSystemException) {
      FileSystemException f = (FileSystemException) e;
      String file = f.getFile() == null ? "" : f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile())
          + ": ";
      return file + (f.getReason() != null ? f.getReason() : "input/output error");
    }
    return e.getMessage() != null ? e.getMessage() : "input/output error";
  }
}
