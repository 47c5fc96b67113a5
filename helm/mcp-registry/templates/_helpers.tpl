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

{{/* The env of every registry container: settings, secrets, the database URL.
Only a signing workload (identity: "signing" true) gets the whole Secret, and with it the
private JWT key; every other one gets the Secret's client ids one by one and the JWKS URL. */}}
{{- define "mcp-registry.env" -}}
{{- $root := .root -}}
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
{{- if $root.Values.mongodb.enabled }}
  - name: MCP_REGISTRY_DATABASE_URL
    value: {{ include "mcp-registry.mongodbUrl" $root | quote }}
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

{{/* Volumes every registry pod mounts: writable /tmp and data dir on a read-only root. */}}
{{- define "mcp-registry.volumes" -}}
- name: tmp
  emptyDir:
    medium: Memory
    sizeLimit: 64Mi
- name: data
  emptyDir:
    sizeLimit: 256Mi
{{- end }}

{{- define "mcp-registry.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /var/lib/mcp-registry
{{- end }}
