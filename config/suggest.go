package config

import "strings"

// suggestKey returns a fix for an unknown name: the closest of candidates when
// one is near enough to be a typo, otherwise orElse.
func suggestKey(name string, candidates []string, orElse string) string {
	best, bestDistance := "", max(3, len(name)/3)+1
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(name), strings.ToLower(c)); d < bestDistance {
			best, bestDistance = c, d
		}
	}
	if best == "" {
		return orElse
	}
	return "did you mean " + best + "?"
}

// editDistance returns the Levenshtein distance between a and b, counted in bytes.
func editDistance(a, b string) int {
	previous := make([]int, len(b)+1)
	current := make([]int, len(b)+1)
	for j := range previous {
		previous[j] = j
	}
	for i := 1; i <= len(a); i++ {
		current[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			current[j] = min(previous[j]+1, current[j-1]+1, previous[j-1]+cost)
		}
		previous, current = current, previous
	}
	return previous[len(b)]
}
