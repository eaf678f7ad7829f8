package httpauth

import "errors"

// ErrBadResource is wrapped by RequireScope's error when its resource function
// fails, so the middleware answers 400 invalid_request.
var ErrBadResource = errors.New("httpauth: the request names no valid resource")
