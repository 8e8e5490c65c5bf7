/**
 * The loopforge-maven-plugin: thin mojos over codegen. Goal {@code loopforge:generate}
 * ({@link io.loopforge.maven.GenerateMojo}) turns the model files of {@code src/main/loopforge} into C and
 * Java sources during {@code generate-sources}.
 */
package io.loopforge.maven;
