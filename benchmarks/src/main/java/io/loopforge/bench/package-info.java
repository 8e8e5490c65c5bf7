/**
 * JMH benchmarks of Loopforge's numerics; run with java -jar benchmarks/target/benchmarks.jar, never from the tests.
 */
package io.loopforge.bench;
