{{/* hubjwt.name is the chart name, or nameOverride. */}}
{{- define "hubjwt.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* hubjwt.fullname is the release-qualified name of every object. */}}
{{- define "hubjwt.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "hubjwt.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "hubjwt.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "hubjwt.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hubjwt.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "hubjwt.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "hubjwt.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* hubjwt.redis is "true" when a Redis backend is configured. */}}
{{- define "hubjwt.redis" -}}
{{- if or .Values.redis.url .Values.redis.addrs }}true{{ end }}
{{- end }}

{{/* hubjwt.secretName is the chart's own Secret. */}}
{{- define "hubjwt.secretName" -}}
{{- include "hubjwt.fullname" . }}
{{- end }}

{{/* hubjwt.adminTokenSecret is the Secret holding the admin token. */}}
{{- define "hubjwt.adminTokenSecret" -}}
{{- default (include "hubjwt.secretName" .) .Values.adminToken.existingSecret }}
{{- end }}

{{/* hubjwt.encryptionKeySecret is the Secret holding the key encryption key. */}}
{{- define "hubjwt.encryptionKeySecret" -}}
{{- default (include "hubjwt.secretName" .) .Values.encryptionKey.existingSecret }}
{{- end }}

{{/*
hubjwt.persistentSecret returns value, else the base64 value already stored
under key in the chart's Secret, else a new random one, so that a generated
secret survives upgrades. It takes a dict: root, key, value.
*/}}
{{- define "hubjwt.persistentSecret" -}}
{{- if .value }}
{{- .value | b64enc }}
{{- else }}
{{- $secret := lookup "v1" "Secret" .root.Release.Namespace (include "hubjwt.secretName" .root) | default dict }}
{{- $data := get $secret "data" | default dict }}
{{- if hasKey $data .key }}
{{- get $data .key }}
{{- else }}
{{- randAlphaNum 43 | b64enc }}
{{- end }}
{{- end }}
{{- end }}

{{/* hubjwt.validate stops the render on values that cannot work. */}}
{{- define "hubjwt.validate" -}}
{{- if not .Values.issuer }}
{{- fail "issuer is empty: set it to the URL verifiers fetch the JWK Set from, such as https://hubjwt.example.org" }}
{{- end }}
{{- if and .Values.redis.url .Values.redis.addrs }}
{{- fail "redis.url and redis.addrs are both set: set one of them" }}
{{- end }}
{{- if and .Values.redis.masterName (not .Values.redis.addrs) }}
{{- fail "redis.masterName needs redis.addrs: list the Sentinel addresses" }}
{{- end }}
{{- if and (not (include "hubjwt.redis" .)) (or (gt (int .Values.replicaCount) 1) .Values.autoscaling.enabled) }}
{{- fail "more than one replica needs Redis: set redis.url or redis.addrs, or set replicaCount to 1 and autoscaling.enabled to false" }}
{{- end }}
{{- end }}
