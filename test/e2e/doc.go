// Package e2e runs `hubjwt serve` as a real process on loopback and checks the
// service from the outside: HTTP, the command line and independent JOSE
// implementations.
package e2e
