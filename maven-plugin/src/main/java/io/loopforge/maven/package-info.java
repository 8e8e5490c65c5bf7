/**
 * The loopforge-maven-plugin: thin mojos over codegen and targets. Not built yet (issue: C and Java code generation, and the Maven plugin).
 */
package io.loopforge.maven;
