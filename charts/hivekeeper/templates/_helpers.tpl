{{/*
Names, labels and the pod both workloads share. The backup CronJob and the restore Job run the
same container (`hivekeeper run -f /etc/hivekeeper/job.yaml`) with the same security context and
volumes; they differ in the manifest ConfigMap they mount and in whether /media is writable.
*/}}

{{- define "hivekeeper.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 45 | trimSuffix "-" }}
{{- end }}

{{/*
The stem of every resource name, at most 45 characters: "<stem>-backup" is a CronJob's name, which
may have 52 (its Jobs add 11). hivekeeper.restoreName shortens it further for a long restore.id.
*/}}
{{- define "hivekeeper.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 45 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 45 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 45 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "hivekeeper.backupName" -}}
{{ include "hivekeeper.fullname" . }}-backup
{{- end }}

{{- define "hivekeeper.drillName" -}}
{{ include "hivekeeper.fullname" . }}-drill
{{- end }}

{{- define "hivekeeper.restoreName" -}}
{{- if not .Values.restore.id }}
{{- fail "restore.id is required with restore.enabled: a new id for each restore, since a Job cannot be changed once created (e.g. --set restore.id=2026-01-15)" }}
{{- end }}
{{- /* A Job's name has at most 63 characters; "-restore-" takes 9 of them. */}}
{{- $stem := include "hivekeeper.fullname" . | trunc (int (sub 54 (len .Values.restore.id))) | trimSuffix "-" }}
{{- printf "%s-restore-%s" $stem .Values.restore.id }}
{{- end }}

{{- define "hivekeeper.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "hivekeeper.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "hivekeeper.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hivekeeper.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "hivekeeper.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- define "hivekeeper.prefix" -}}
{{ .Values.prefix | default .Release.Name }}
{{- end }}

{{/* spec.target of both manifests: direct mode, the password from the mounted Secret file. */}}
{{- define "hivekeeper.target" -}}
postgres:
  host: {{ .Values.target.host | quote }}
  port: {{ .Values.target.port }}
  database: {{ .Values.target.database | quote }}
  user: {{ .Values.target.user | quote }}
  sslmode: {{ .Values.target.sslmode | quote }}
  passwordFrom:
    file: /var/run/secrets/hivekeeper/password
{{- end }}

{{/*
spec.storage and spec.encryption of a manifest. Arguments (a dict): root, writes (true for the
BackupJob: keepLocal, age recipients or passphrase; false for a RestoreJob or DrillJob: the bucket
as the source, the age identity or passphrase). Key material is never rendered: the manifest
names the files the pod mounts from the Secrets (hivekeeper.offsiteMounts, the same paths).
*/}}
{{- define "hivekeeper.offsite" -}}
{{- $values := .root.Values }}
{{- $s3 := $values.storage.s3 }}
{{- $age := $values.encryption.age }}
{{- if $s3.bucket }}
storage:
  {{- if .writes }}
  keepLocal: {{ $values.storage.keepLocal }}
  {{- end }}
  s3:
    {{- range $field := list "endpoint" "region" "bucket" "prefix" "storageClass" "serverSideEncryption"
          "kmsKeyId" }}
    {{- with index $s3 $field }}
    {{ $field }}: {{ . | quote }}
    {{- end }}
    {{- end }}
    {{- if $s3.forcePathStyle }}
    forcePathStyle: true
    {{- end }}
    {{- with $s3.maxParts }}
    maxParts: {{ . }}
    {{- end }}
    {{- if $s3.caSecret.name }}
    caFile: /var/run/secrets/hivekeeper-s3-ca/ca.crt
    {{- end }}
    accessKeyIdFrom:
      file: /var/run/secrets/hivekeeper-s3/access-key-id
    secretAccessKeyFrom:
      file: /var/run/secrets/hivekeeper-s3/secret-access-key
{{- end }}
{{- if and $age.recipients $age.passphraseSecret.name }}
{{- fail "encryption.age: give recipients or passphraseSecret, not both (age encrypts to a passphrase alone)" }}
{{- end }}
{{- if .writes }}
{{- if or $age.recipients $age.passphraseSecret.name }}
encryption:
  age:
    {{- with $age.recipients }}
    recipients:
      {{- range . }}
      - {{ . | quote }}
      {{- end }}
    {{- end }}
    {{- if $age.passphraseSecret.name }}
    passphraseFrom:
      file: /var/run/secrets/hivekeeper-age-passphrase/passphrase
    {{- end }}
{{- end }}
{{- else }}
{{- if and $age.recipients (not $age.identitySecret.name) }}
{{- fail (print "encryption.age.identitySecret is required to restore or drill backups encrypted to"
      " encryption.age.recipients: the Secret holding the matching identity (AGE-SECRET-KEY-1...)") }}
{{- end }}
{{- if or $age.identitySecret.name $age.passphraseSecret.name }}
encryption:
  age:
    {{- if $age.identitySecret.name }}
    identityFrom:
      file: /var/run/secrets/hivekeeper-age-identity/identity
    {{- end }}
    {{- if $age.passphraseSecret.name }}
    passphraseFrom:
      file: /var/run/secrets/hivekeeper-age-passphrase/passphrase
    {{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The Secret volumes hivekeeper.offsite's files come from, each 0400 (fsGroup makes it
root:<fsGroup> 0440). Arguments: root, writes, part (mounts or volumes). The backup pod never
mounts the age identity: it only encrypts.
*/}}
{{- define "hivekeeper.offsiteSecrets" -}}
{{- $values := .root.Values }}
{{- $s3 := $values.storage.s3 }}
{{- $age := $values.encryption.age }}
{{- $secrets := list }}
{{- if $s3.bucket }}
{{- $keys := list
      (dict "key" $s3.credentialsSecret.accessKeyIdKey "path" "access-key-id")
      (dict "key" $s3.credentialsSecret.secretAccessKeyKey "path" "secret-access-key") }}
{{- $secrets = append $secrets
      (dict "volume" "s3-credentials" "dir" "hivekeeper-s3" "secret" $s3.credentialsSecret.name "items" $keys) }}
{{- if $s3.caSecret.name }}
{{- $secrets = append $secrets (dict "volume" "s3-ca" "dir" "hivekeeper-s3-ca" "secret" $s3.caSecret.name
      "items" (list (dict "key" $s3.caSecret.key "path" "ca.crt"))) }}
{{- end }}
{{- end }}
{{- if and (not .writes) $age.identitySecret.name }}
{{- $secrets = append $secrets (dict "volume" "age-identity" "dir" "hivekeeper-age-identity"
      "secret" $age.identitySecret.name "items" (list (dict "key" $age.identitySecret.key "path" "identity"))) }}
{{- end }}
{{- if $age.passphraseSecret.name }}
{{- $secrets = append $secrets (dict "volume" "age-passphrase" "dir" "hivekeeper-age-passphrase"
      "secret" $age.passphraseSecret.name "items" (list (dict "key" $age.passphraseSecret.key "path" "passphrase"))) }}
{{- end }}
{{- range $secrets }}
{{- if eq $.part "mounts" }}
- name: {{ .volume }}
  mountPath: /var/run/secrets/{{ .dir }}
  readOnly: true
{{- else }}
- name: {{ .volume }}
  secret:
    secretName: {{ .secret }}
    defaultMode: 256
    items:
      {{- range .items }}
      - key: {{ .key }}
        path: {{ .path }}
      {{- end }}
{{- end }}
{{- end }}
{{- end }}

{{- define "hivekeeper.checkMedia" -}}
{{- if and .Values.media.enabled (not .Values.media.claimName) }}
{{- fail "media.claimName is required with media.enabled: the PersistentVolumeClaim holding the app's media" }}
{{- end }}
{{- end }}

{{/*
The pod spec of a backup or restore run. Arguments (a dict): root (the chart's context),
component (backup, restore or drill), configMap (the manifest's ConfigMap), mediaReadOnly (bool),
noMedia (true: the media claim is not mounted, as a drill never reads it), activeDeadlineSeconds,
backoffLimit. Renders the Job's spec (backoffLimit, activeDeadlineSeconds, template); the off-site
Secrets (hivekeeper.offsiteSecrets) are mounted beside the password's.
*/}}
{{- define "hivekeeper.jobSpec" -}}
{{- $root := .root }}
{{- $values := $root.Values }}
{{- $writes := eq .component "backup" -}}
backoffLimit: {{ .backoffLimit }}
activeDeadlineSeconds: {{ .activeDeadlineSeconds }}
template:
  metadata:
    labels:
      {{- include "hivekeeper.selectorLabels" $root | nindent 6 }}
      app.kubernetes.io/component: {{ .component }}
      {{- with $values.podLabels }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
    {{- with $values.podAnnotations }}
    annotations:
      {{- toYaml . | nindent 6 }}
    {{- end }}
  spec:
    restartPolicy: Never
    automountServiceAccountToken: false
    {{- with $values.serviceAccountName }}
    serviceAccountName: {{ . }}
    {{- end }}
    {{- with $values.priorityClassName }}
    priorityClassName: {{ . }}
    {{- end }}
    {{- with $values.imagePullSecrets }}
    imagePullSecrets:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    securityContext:
      runAsNonRoot: true
      runAsUser: {{ $values.securityContext.runAsUser }}
      runAsGroup: {{ $values.securityContext.runAsGroup }}
      fsGroup: {{ $values.securityContext.fsGroup }}
      {{- with $values.securityContext.fsGroupChangePolicy }}
      fsGroupChangePolicy: {{ . }}
      {{- end }}
      seccompProfile:
        type: RuntimeDefault
    containers:
      - name: hivekeeper
        image: {{ include "hivekeeper.image" $root | quote }}
        imagePullPolicy: {{ $values.image.pullPolicy }}
        args:
          - run
          - -f
          - /etc/hivekeeper/job.yaml
          - --termination-log
          - /dev/termination-log
          {{- if eq $values.logFormat "json" }}
          - --log-format
          - json
          {{- end }}
        env:
          # pgpass is written in a private directory here (an emptyDir: the root is read-only).
          - name: TMPDIR
            value: /tmp
        {{- with $values.resources }}
        resources:
          {{- toYaml . | nindent 10 }}
        {{- end }}
        securityContext:
          runAsNonRoot: true
          runAsUser: {{ $values.securityContext.runAsUser }}
          runAsGroup: {{ $values.securityContext.runAsGroup }}
          readOnlyRootFilesystem: {{ $values.securityContext.readOnlyRootFilesystem }}
          allowPrivilegeEscalation: false
          capabilities:
            drop: [ALL]
          seccompProfile:
            type: RuntimeDefault
        # The runner writes its final status here (compact JSON); without it, the log's tail.
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: FallbackToLogsOnError
        volumeMounts:
          - name: manifest
            mountPath: /etc/hivekeeper
            readOnly: true
          - name: postgres-password
            mountPath: /var/run/secrets/hivekeeper
            readOnly: true
          {{- with include "hivekeeper.offsiteSecrets" (dict "root" $root "writes" $writes "part" "mounts") | trim }}
          {{- . | nindent 10 }}
          {{- end }}
          - name: backups
            mountPath: /backups
          {{- if and $values.media.enabled (not .noMedia) }}
          - name: media
            mountPath: /media
            readOnly: {{ .mediaReadOnly }}
          {{- end }}
          - name: tmp
            mountPath: /tmp
    volumes:
      - name: manifest
        configMap:
          name: {{ .configMap }}
      - name: postgres-password
        secret:
          secretName: {{ $values.target.passwordSecret.name }}
          # 0400; with fsGroup the kubelet makes it root:<fsGroup> 0440, readable by the runner.
          defaultMode: 256
          items:
            - key: {{ $values.target.passwordSecret.key }}
              path: password
      {{- with include "hivekeeper.offsiteSecrets" (dict "root" $root "writes" $writes "part" "volumes") | trim }}
      {{- . | nindent 6 }}
      {{- end }}
      - name: backups
        persistentVolumeClaim:
          claimName: {{ $values.backups.claimName }}
      {{- if and $values.media.enabled (not .noMedia) }}
      - name: media
        persistentVolumeClaim:
          claimName: {{ $values.media.claimName }}
          readOnly: {{ .mediaReadOnly }}
      {{- end }}
      - name: tmp
        emptyDir:
          # In memory: the pgpass file holding the password never reaches a disk.
          medium: Memory
          sizeLimit: {{ $values.tmpSizeLimit }}
    {{- with $values.nodeSelector }}
    nodeSelector:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with $values.affinity }}
    affinity:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with $values.tolerations }}
    tolerations:
      {{- toYaml . | nindent 6 }}
    {{- end }}
{{- end }}

{{/*
spec.metrics of every manifest: the Pushgateway each job pushes its metrics to when it ends
(metrics.pushgateway.url; "" pushes nothing).
*/}}
{{- define "hivekeeper.metrics" -}}
{{- with .Values.metrics.pushgateway }}
{{- if .url }}
metrics:
  pushgateway:
    url: {{ .url | quote }}
    job: {{ .job | default "hivekeeper" | quote }}
{{- end }}
{{- end }}
{{- end }}
