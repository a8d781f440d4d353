//go:build race

package broker

// raceEnabled: the race detector slows the hot path by ~10×, so time
// budgets are loosened.
const raceEnabled = true
