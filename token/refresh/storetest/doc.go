// Package storetest is the conformance suite that every refresh.Store must
// pass: family round trips, rotation, reuse detection, the grace window,
// client binding, expiry and atomic concurrent redemption.
package storetest
