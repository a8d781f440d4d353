//go:build !race

package sbsvc

const raceEnabled = false
