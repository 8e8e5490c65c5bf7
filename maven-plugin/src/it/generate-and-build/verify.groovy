// The build generated both languages, compiled them, and the C and Java twins printed the same bits.
def target = new File(basedir, 'target')
assert new File(target, 'generated-sources/loopforge/c/pendulum_lqr.h').isFile()
assert new File(target, 'generated-sources/loopforge/c/dynamics.c').isFile()
// one common header for both units; the controller's contract beside its C
assert new File(target, 'generated-sources/loopforge/c/lf_common.h').isFile()
assert new File(target, 'generated-sources/loopforge/c/pendulum_lqr.contract.json').text.contains('"prefix": "pendulum_lqr"')
assert !new File(target, 'generated-sources/loopforge/c/dynamics.contract.json').exists()
assert new File(target, 'generated-sources/loopforge/java/com/example/control/PendulumLqr.java').isFile()
assert new File(target, 'classes/com/example/control/Dynamics.class').isFile()
assert new File(target, 'lqr-m4.o').isFile()
def c = new File(target, 'c.txt').text
def java = new File(target, 'java.txt').text
assert c.readLines().size() == 8
assert c == java : "C and Java twins differ:\n" + c + "\nvs\n" + java
// saturation happened at least once (-2.0f = c0000000, 2.0f = 40000000)
assert c.contains('c0000000') || c.contains('40000000')
def log = new File(basedir, 'build.log').text
assert log.contains('Loopforge: generated pendulum_lqr.h, pendulum_lqr.c')
return true
