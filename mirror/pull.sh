#!/bin/sh
# pull.sh: pulls images from your image-sync mirror and gives them back their original names, so that compose files,
# Kubernetes manifests and charts work unchanged. Needs sh and one of docker, podman, nerdctl or ctr; no secret.
#
#   sh pull.sh [--platform P] [--keep-mirror-name] [--client docker|podman|nerdctl|ctr] IMAGE...
#   sh pull.sh --print [--platform P] IMAGE...    prints each image's mirror reference, one a line, and does nothing else
#
# IMAGE is the original name: nginx:1.27, bitnami/redis:7, quay.io/coreos/etcd:v3.5.0. --platform P pulls the image
# synced for P (a line with --platform=P in images.txt); lines synced with --platform=all or a list need none.
# The mirror is MIRROR=<registry>/<namespace> with MIRROR_NAMING=flat|path from the environment, else the lines below,
# which each batch run fills in (mirror/pull.sh in your repository). Names follow image-sync's naming rules
# (scripts/lib/core/TargetName.java); a test holds the two equal. ctr uses the namespace CONTAINERD_NAMESPACE, else k8s.io.
# --- mirror (filled in by the batch run) ---
: "${MIRROR:=}"
: "${MIRROR_NAMING:=flat}"
# --- end of mirror ---
set -euf
me=pull.sh

bad() { printf '%s: %s\n' "$me" "$*" >&2; }
die() { bad "$@"; exit 2; }

platform= keep= print= client=
while [ $# -gt 0 ]; do
  case $1 in
    --platform) [ $# -ge 2 ] || die "--platform needs a value, e.g. --platform linux/arm64"; platform=$2; shift 2 ;;
    --client) [ $# -ge 2 ] || die "--client needs a value: docker, podman, nerdctl or ctr"; client=$2; shift 2 ;;
    --platform=*) platform=${1#*=}; shift ;;
    --client=*) client=${1#*=}; shift ;;
    --keep-mirror-name) keep=1; shift ;;
    --print) print=1; shift ;;
    -h|--help) grep '^#  ' "$0" 2>/dev/null || echo "usage: sh pull.sh [--platform P] [--keep-mirror-name] [--client C] [--print] IMAGE..."; exit 0 ;;
    --) shift; break ;;
    -*) die "unknown option '$1': use --platform, --keep-mirror-name, --client or --print" ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || die "no IMAGE given, e.g. sh pull.sh nginx:1.27"
mirror=${MIRROR%/}
case $mirror in
  '') die "no mirror: set MIRROR=<registry>/<namespace>, e.g. MIRROR=registry.cn-hangzhou.aliyuncs.com/my-ns (mirror/pull.sh in your image-sync repository has it filled in)" ;;
  */*) ;;
  *) die "MIRROR='$MIRROR' is not <registry>/<namespace>, e.g. registry.cn-hangzhou.aliyuncs.com/my-ns" ;;
esac
case $MIRROR_NAMING in
  flat) sep=_ ;;
  path) sep=/ ;;
  *) die "MIRROR_NAMING='$MIRROR_NAMING': use flat (the default, as on Aliyun) or path" ;;
esac

# The platform prefix: none for the default platform and for a tag that serves several (all, or a comma list).
known=" linux/amd64 linux/arm64 linux/arm/v7 linux/arm/v6 linux/386 linux/ppc64le linux/s390x linux/riscv64 linux/amd64/v2 
  linux/amd64/v3 linux/arm64/v8 linux/arm/v5 linux/arm linux/mips64le linux/loong64 windows/amd64 windows/arm64 "
prefix=
case $platform in
  ''|all) ;;
  ,*|*,|*,,*) die "--platform '$platform': an empty platform in the list" ;;
  *,*)
    seen=,
    for p in $(printf '%s' "$platform" | tr , ' '); do
      case $known in *" $p "*) ;; *) die "unknown platform '$p' in --platform '$platform'" ;; esac
      case $seen in *",$p,"*) die "platform $p is listed twice in '$platform'" ;; esac
      seen=$seen$p,
    done ;;
  *)
    case $known in *" $platform "*) ;; *) die "unknown platform '$platform': use e.g. linux/arm64, linux/arm/v7, all" ;; esac
    [ "$platform" = linux/amd64 ] || prefix=$(printf '%s' "$platform" | tr / _)$sep ;;
esac

# Without a process per image (a long list stays fast): replace STRING FROM TO sets r to STRING with every FROM as TO.
replace() {
  r= s=$1
  while :; do
    case $s in *"$2"*) r=$r${s%%"$2"*}$3; s=${s#*"$2"} ;; *) break ;; esac
  done
  r=$r$s
}

# name REF: sets m to REF's mirror reference and o to its original full name, or says what is wrong and returns 1.
# The checks are ImageRef.parse's patterns, written as case patterns: a name component is letters and digits with
# single '.', '_', '__' or runs of '-' between them; a host is dot-separated labels, then an optional :port.
name() {
  ref=$1
  case $ref in ''|*[!A-Za-z0-9._:/@-]*) bad "'$ref' is not an image reference"; return 1 ;; esac
  [ ${#ref} -le 455 ] || { bad "'$ref' is too long for an image reference"; return 1; }
  rest=$ref digest= tag= host= hub=
  case $rest in
    *@*) digest=${rest#*@}; rest=${rest%%@*}
      case ${digest#sha256:} in "$digest"|*[!0-9a-f]*) digest= ;; esac
      [ ${#digest} -eq 71 ] || { bad "invalid digest in '$ref': expected @sha256: and 64 hex digits"; return 1; } ;;
  esac
  case ${rest##*/} in
    *:*) tag=${rest##*:}; rest=${rest%:*}
      case $tag in ''|[.-]*|*[!A-Za-z0-9_.-]*) tag= ;; esac
      [ -n "$tag" ] && [ ${#tag} -le 128 ] || { bad "invalid tag in '$ref': a tag is up to 128 letters, digits, '_', '.', '-', not starting with '.' or '-'"; return 1; } ;;
  esac
  [ ${#rest} -le 255 ] || { bad "the name in '$ref' is longer than 255 characters"; return 1; }
  case $rest in
    ?*/*) first=${rest%%/*}
      case $first in
        *.*|*:*|localhost) host=$first; rest=${rest#*/}
          case $host in *[[:upper:]]*) host=$(printf '%s' "$host" | tr '[:upper:]' '[:lower:]') ;; esac
          case $host in *:*) port=${host##*:} labels=${host%:*} ;; *) port=0 labels=$host ;; esac
          case $port in ''|*[!0-9]*|??????*) port= ;; esac
          case $labels in ''|*[!a-z0-9.-]*|.*|*.|*..*|-*|*-|*.-*|*-.*) port= ;; esac
          [ -n "$port" ] || { bad "invalid registry host '$first' in '$ref'"; return 1; } ;;
      esac ;;
  esac
  case $rest in *[[:upper:]]*) bad "'$ref' has upper-case letters in its name: repository names are lower case"; return 1 ;; esac
  case $rest in
    ''|*[!a-z0-9._/-]*|[._/-]*|*[._/-]|*/[._-]*|*[._-]/*|*//*|*..*|*._*|*.-*|*_.*|*_-*|*-.*|*-_*|*___*)
      bad "'$ref' is not a valid image name: letters and digits with single '.', '_', '__' or '-' between them"; return 1 ;;
  esac
  case $host in
    ''|docker.io|index.docker.io|registry-1.docker.io) hub=1; host=docker.io
      case $rest in */*) ;; *) rest=library/$rest ;; esac ;;
  esac
  if [ -z "$tag" ]; then
    [ -z "$digest" ] || { bad "'$ref' is pinned by digest but has no tag: write name:tag@sha256:..."; return 1; }
    tag=latest
  fi
  # Flat: library/ dropped, the host a prefix with '.' and ':' as '-', '/' as '_'. Path: the path kept, the host its first element.
  hostpart= path=$rest
  if [ "$sep" = _ ]; then
    if [ -n "$hub" ]; then path=${path#library/}; else replace "$host" . -; replace "$r" : -; hostpart=${r}_; fi
    replace "$path" / _; path=$r
  elif [ -z "$hub" ]; then
    replace "$host" : -; hostpart=$r/
  fi
  m=$mirror/$prefix$hostpart$path:$tag o=$host/$rest:$tag
}

pairs=
for ref in "$@"; do
  if name "$ref"; then pairs="$pairs $m $o"; else failed=1; fi
done
[ -z "${failed:-}" ] || exit 2
set -- $pairs
if [ -n "$print" ]; then
  while [ $# -gt 0 ]; do echo "$1"; shift 2; done
  exit 0
fi

if [ -n "$client" ]; then
  case $client in docker|podman|nerdctl|ctr) ;; *) die "--client '$client': use docker, podman, nerdctl or ctr" ;; esac
  command -v "$client" >/dev/null 2>&1 || die "--client $client: $client is not installed"
else
  for c in docker podman nerdctl ctr; do
    if command -v "$c" >/dev/null 2>&1; then client=$c; break; fi
  done
  [ -n "$client" ] || die "none of docker, podman, nerdctl or ctr is installed: install one (sh pull.sh --print IMAGE shows the mirror names)"
fi
single=
case $platform in ''|all|*,*) ;; *) single=$platform ;; esac

cli() { if [ "$client" = ctr ]; then ctr -n "${CONTAINERD_NAMESPACE:-k8s.io}" images "$@"; else "$client" "$@"; fi; }

# pull MIRROR-REF ORIGINAL: pulls, names the image ORIGINAL and drops the mirror name (kept with --keep-mirror-name).
pull() {
  m=$1 o=$2
  if [ -n "$single" ]; then cli pull --platform "$single" "$m"; else cli pull "$m"; fi || {
    if [ "$client" = ctr ]; then
      echo "$me: could not pull $m. If the repository is private: ctr -n ${CONTAINERD_NAMESPACE:-k8s.io} images pull --user <user> $m (ctr asks for the password), then ctr -n ${CONTAINERD_NAMESPACE:-k8s.io} images tag $m $o" >&2
    else
      echo "$me: could not pull $m. If the repository is private, log in first with $client login ${m%%/*} (Aliyun: your registry password; GHCR: a token with read:packages), then run pull.sh again" >&2
    fi
    return 1
  }
  if [ -n "$keep" ]; then echo "$me: $m"; return 0; fi
  # ctr's tag refuses to replace a name without --force; docker, podman and nerdctl replace it.
  if [ "$client" = ctr ]; then cli tag --force "$m" "$o" && cli rm "$m" >/dev/null; else cli tag "$m" "$o" && cli rmi "$m" >/dev/null; fi \
    || { echo "$me: pulled $m but could not name it $o" >&2; return 1; }
  echo "$me: $o (from $m)"
}

status=0
while [ $# -gt 0 ]; do
  pull "$1" "$2" || status=1
  shift 2
done
exit $status
