{{/* Names and labels. */}}
{{- define "mcp-registry.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "mcp-registry.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "mcp-registry.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "mcp-registry.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mcp-registry.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "mcp-registry.labels" -}}
helm.sh/chart: {{ include "mcp-registry.chart" . }}
{{ include "mcp-registry.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: mcp-registry
{{- end }}

{{- define "mcp-registry.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "mcp-registry.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "mcp-registry.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "mcp-registry.secretName" -}}
{{- default (printf "%s-secrets" (include "mcp-registry.fullname" .)) .Values.secrets.existingSecret }}
{{- end }}

{{/* MongoDB: the bundled replica set's members, or the external URL. */}}
{{- define "mcp-registry.mongodbHosts" -}}
{{- $fullname := include "mcp-registry.fullname" . }}
{{- $hosts := list }}
{{- range $i := until (int .Values.mongodb.replicas) }}
{{- $hosts = append $hosts (printf "%s-mongodb-%d.%s-mongodb:27017" $fullname $i $fullname) }}
{{- end }}
{{- join "," $hosts }}
{{- end }}

{{- define "mcp-registry.mongodbUrl" -}}
{{- printf "mongodb://%s/%s?replicaSet=%s" (include "mcp-registry.mongodbHosts" .) .Values.mongodb.database .Values.mongodb.replicaSetName }}
{{- end }}

{{/* The bundled MongoDB's credentials Secret (generated, or mongodb.auth.existingSecret). */}}
{{- define "mcp-registry.mongodbSecret" -}}
{{- default (printf "%s-mongodb" (include "mcp-registry.fullname" .)) .Values.mongodb.auth.existingSecret }}
{{- end }}

{{/* The bundled MongoDB's URL for one of its users: "app", "discovery" or "root". The user
and password come from the env vars MONGODB_USER and MONGODB_PASSWORD, which Kubernetes
expands into the URL ($(VAR)), so the password is never in the pod spec. */}}
{{- define "mcp-registry.mongodbUserUrl" -}}
{{- $root := .root -}}
{{- $authSource := ternary "admin" $root.Values.mongodb.database (eq .user "root") -}}
{{- printf "mongodb://$(MONGODB_USER):$(MONGODB_PASSWORD)@%s/%s?replicaSet=%s&authSource=%s" (include "mcp-registry.mongodbHosts" $root) $root.Values.mongodb.database $root.Values.mongodb.replicaSetName $authSource }}
{{- end }}

{{/* env entries MONGODB_USER/MONGODB_PASSWORD of a bundled-MongoDB user ("app", "discovery", "root"). */}}
{{- define "mcp-registry.mongodbCredentials" -}}
{{- $root := .root -}}
{{- $auth := $root.Values.mongodb.auth -}}
{{- $names := dict "app" $auth.appUser "discovery" $auth.discoveryUser "root" $auth.rootUser -}}
- name: MONGODB_USER
  value: {{ index $names .user | quote }}
- name: MONGODB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "mcp-registry.mongodbSecret" $root }}
      key: {{ .user }}-password
{{- end }}

{{/* The NATS credentials Secret: the bundled server's (generated, or nats.auth.existingSecret),
or externalNats.existingSecret; empty when NATS takes no passwords. */}}
{{- define "mcp-registry.natsSecret" -}}
{{- if .Values.nats.enabled }}
{{- if .Values.nats.auth.enabled }}
{{- default (printf "%s-nats" (include "mcp-registry.fullname" .)) .Values.nats.auth.existingSecret }}
{{- end }}
{{- else }}
{{- .Values.externalNats.existingSecret }}
{{- end }}
{{- end }}

{{/* The Secret whose ca.crt verifies the NATS server's certificate; empty without TLS. */}}
{{- define "mcp-registry.natsCaSecret" -}}
{{- if .Values.nats.enabled }}
{{- if .Values.nats.tls.enabled }}
{{- required "nats.tls.secretName is required when nats.tls.enabled" .Values.nats.tls.secretName }}
{{- end }}
{{- else }}
{{- .Values.externalNats.caSecret }}
{{- end }}
{{- end }}

{{- define "mcp-registry.natsUrl" -}}
{{- if .Values.nats.enabled }}
{{- printf "nats://%s-nats:4222" (include "mcp-registry.fullname" .) }}
{{- else }}
{{- required "externalNats.url is required when nats.enabled is false" .Values.externalNats.url }}
{{- end }}
{{- end }}

{{/* Identity's in-cluster JWKS URL: where the other workloads fetch the token public keys. */}}
{{- define "mcp-registry.jwksUrl" -}}
{{- printf "http://%s-identity:8080/.well-known/jwks.json" (include "mcp-registry.fullname" .) }}
{{- end }}

{{/* The env of every registry container: settings, secrets, the database URL, NATS user.
Only a signing workload (identity: "signing" true) gets the whole Secret, and with it the
private JWT key; every other one gets the Secret's client ids one by one and the JWKS URL.
"database" is the bundled MongoDB user the workload connects as ("app", "discovery" or
"root"); "natsUser" its NATS user (files/nats/authorization.conf), empty for none. */}}
{{- define "mcp-registry.env" -}}
{{- $root := .root -}}
{{- $database := default "app" .database -}}
{{- $natsSecret := include "mcp-registry.natsSecret" $root -}}
{{- $readPreference := "" -}}
{{- if and (eq $database "discovery") $root.Values.mongodb.discoveryReadPreference -}}
{{- $readPreference = printf "&readPreference=%s" $root.Values.mongodb.discoveryReadPreference -}}
{{- end -}}
envFrom:
  - configMapRef:
      name: {{ include "mcp-registry.fullname" $root }}-config
{{- if .signing }}
  - secretRef:
      name: {{ include "mcp-registry.secretName" $root }}
{{- end }}
env:
  - name: POD_NAME
    valueFrom:
      fieldRef:
        fieldPath: metadata.name
{{- if not .signing }}
{{- range $key := list "MCP_REGISTRY_GITHUB_CLIENT_ID" "MCP_REGISTRY_OIDC_CLIENT_ID" }}
  - name: {{ $key }}
    valueFrom:
      secretKeyRef:
        name: {{ include "mcp-registry.secretName" $root }}
        key: {{ $key }}
        optional: true
{{- end }}
{{- if not (hasKey .env "MCP_REGISTRY_JWKS_URL") }}
  - name: MCP_REGISTRY_JWKS_URL
    value: {{ include "mcp-registry.jwksUrl" $root | quote }}
{{- end }}
{{- end }}
{{- if and .signing $root.Values.signingKeys.existingSecret }}
  - name: MCP_REGISTRY_JWT_KEYS_DIR
    value: /var/lib/mcp-registry/keys
{{- end }}
{{- if and .natsUser $natsSecret }}
  - name: MCP_REGISTRY_NATS_USER
    value: {{ .natsUser | quote }}
  - name: MCP_REGISTRY_NATS_PASSWORD
    valueFrom:
      secretKeyRef:
        name: {{ $natsSecret }}
        key: {{ .natsUser }}-password
{{- end }}
{{- if include "mcp-registry.natsCaSecret" $root }}
  - name: MCP_REGISTRY_NATS_CA_FILE
    value: /etc/mcp-registry/nats-tls/ca.crt
{{- end }}
{{- if and $root.Values.mongodb.enabled $root.Values.mongodb.auth.enabled }}
{{- include "mcp-registry.mongodbCredentials" (dict "root" $root "user" $database) | nindent 2 }}
  - name: MCP_REGISTRY_DATABASE_URL
    value: {{ printf "%s%s" (include "mcp-registry.mongodbUserUrl" (dict "root" $root "user" $database)) $readPreference | quote }}
{{- if eq $database "discovery" }}
  # Read-only: the init Job keeps the indexes; discovery must not try to create them.
  - name: MCP_REGISTRY_DATABASE_INIT
    value: "false"
{{- end }}
{{- else if $root.Values.mongodb.enabled }}
  - name: MCP_REGISTRY_DATABASE_URL
    value: {{ printf "%s%s" (include "mcp-registry.mongodbUrl" $root) $readPreference | quote }}
{{- else if $root.Values.externalDatabase.existingSecret }}
  - name: MCP_REGISTRY_DATABASE_URL
    valueFrom:
      secretKeyRef:
        name: {{ $root.Values.externalDatabase.existingSecret }}
        key: {{ $root.Values.externalDatabase.existingSecretKey }}
{{- else }}
  - name: MCP_REGISTRY_DATABASE_URL
    value: {{ required "externalDatabase.url (or externalDatabase.existingSecret) is required when mongodb.enabled is false" $root.Values.externalDatabase.url | quote }}
{{- end }}
{{- range $key, $value := .env }}
  - name: {{ $key }}
    value: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/* Volumes every registry pod mounts: writable /tmp and data dir on a read-only root, the
NATS CA when NATS speaks TLS, and (identity only: "signing") the signing-key Secret. */}}
{{- define "mcp-registry.volumes" -}}
{{- $root := .root -}}
- name: tmp
  emptyDir:
    medium: Memory
    sizeLimit: 64Mi
- name: data
  emptyDir:
    sizeLimit: 256Mi
{{- with include "mcp-registry.natsCaSecret" $root }}
- name: nats-tls
  secret:
    secretName: {{ . }}
    items:
      - key: ca.crt
        path: ca.crt
{{- end }}
{{- if and .signing $root.Values.signingKeys.existingSecret }}
- name: signing-keys
  secret:
    secretName: {{ $root.Values.signingKeys.existingSecret }}
    # Group-readable: the pod's fsGroup owns the files; nobody else may read them.
    defaultMode: 0440
{{- end }}
{{- end }}

{{- define "mcp-registry.volumeMounts" -}}
{{- $root := .root -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /var/lib/mcp-registry
{{- if include "mcp-registry.natsCaSecret" $root }}
- name: nats-tls
  mountPath: /etc/mcp-registry/nats-tls
  readOnly: true
{{- end }}
{{- if and .signing $root.Values.signingKeys.existingSecret }}
# A Secret volume is updated in place: `mcp-registry keys` rotations reach identity without
# a restart (it re-reads keyring.json when it changes).
- name: signing-keys
  mountPath: /var/lib/mcp-registry/keys
  readOnly: true
{{- end }}
{{- end }}

{{/* The HTTPRoute filter that adds Strict-Transport-Security to every response (gateway.hsts). */}}
{{- define "mcp-registry.hstsFilter" -}}
{{- with .Values.gateway.hsts }}
filters:
  - type: ResponseHeaderModifier
    responseHeaderModifier:
      set:
        - name: Strict-Transport-Security
          value: {{ . | quote }}
{{- end }}
{{- end }}
