//go:build race

package sbsvc

// raceEnabled: the race detector slows the 100,000-message memory test
// twenty-fold and changes what the heap holds, so it runs without -race.
const raceEnabled = true
