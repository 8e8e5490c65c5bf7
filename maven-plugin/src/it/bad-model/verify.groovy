// The build failed, and the message names the file and the reason.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('Loopforge could not generate code for 1 model file')
assert log.contains('src/main/loopforge/broken.json')
assert log.contains("key 'gain[0]' has 1 values, expected 2")
return true
