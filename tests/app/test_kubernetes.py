"""The Kubernetes manifests, filled like envsubst would, validated offline against the Kubernetes API
schema (kubernetes-validate, strict) and checked for probes, resources and the security context."""

from __future__ import annotations

import re
import string
from typing import Any

import kubernetes_validate
import pytest
import yaml

from .conftest import APP_DIR

KUBERNETES_DIR = APP_DIR / "kubernetes"
SCHEMA_VERSION = "1.30.0"
VALUES = {"REGISTRY": "localhost:30500", "SUFFIX": "-secure"}
APP_FILES = ("server.yaml", "client.yaml")
ALL_FILES = (*APP_FILES, "registry.yaml")


def render(name: str, values: dict[str, str] = VALUES) -> list[dict[str, Any]]:
    """The file's documents with $REGISTRY and $SUFFIX filled in (KeyError for any other placeholder)."""
    text = string.Template((KUBERNETES_DIR / name).read_text()).substitute(values)
    return [doc for doc in yaml.safe_load_all(text) if doc]


def by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    """The one document of this kind."""
    (found,) = [doc for doc in docs if doc["kind"] == kind]
    return found


def container(name: str) -> dict[str, Any]:
    """The first container of the file's Deployment."""
    spec = by_kind(render(name), "Deployment")["spec"]["template"]["spec"]
    first: dict[str, Any] = spec["containers"][0]
    return first


def test_placeholders_are_exactly_registry_and_suffix() -> None:
    for name in APP_FILES:
        text = (KUBERNETES_DIR / name).read_text()
        assert set(re.findall(r"\$\{?(\w+)", text)) == {"REGISTRY", "SUFFIX"}, name
    assert "$" not in (KUBERNETES_DIR / "registry.yaml").read_text()


@pytest.mark.parametrize("name", ALL_FILES)
def test_manifests_validate_against_the_api_schema(name: str) -> None:
    docs = render(name)
    assert [doc["kind"] for doc in docs] == ["Deployment", "Service"]
    for doc in docs:
        assert kubernetes_validate.validate(doc, SCHEMA_VERSION, strict=True) == "1.30"


def test_the_validator_catches_mistakes_offline() -> None:
    deployment = by_kind(render("server.yaml"), "Deployment")
    probe = deployment["spec"]["template"]["spec"]["containers"][0]
    probe["readinesProbe"] = probe.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError) as caught:
        kubernetes_validate.validate(deployment, SCHEMA_VERSION, strict=True)
    assert "readinesProbe" in caught.value.message


def test_images_follow_the_tutorial_tags() -> None:
    assert container("server.yaml")["image"] == "localhost:30500/mountains-server-secure:0.1.0"
    assert container("client.yaml")["image"] == "localhost:30500/mountains-client-secure:0.1.0"
    small = render("client.yaml", {"REGISTRY": "reg:5000", "SUFFIX": "-small"})
    assert by_kind(small, "Deployment")["spec"]["template"]["spec"]["containers"][0]["image"] == (
        "reg:5000/mountains-client-small:0.1.0"
    )
    assert container("registry.yaml")["image"] == "registry:2"


@pytest.mark.parametrize("name", APP_FILES)
def test_app_containers_are_locked_down(name: str) -> None:
    docs = render(name)
    pod = by_kind(docs, "Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 65532
    assert pod["automountServiceAccountToken"] is False
    security = container(name)["securityContext"]
    assert security == {
        "runAsNonRoot": True,
        "runAsUser": 65532,
        "runAsGroup": 65532,
        "readOnlyRootFilesystem": True,
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
    }
    mounts = {m["mountPath"]: m["name"] for m in container(name)["volumeMounts"]}
    assert mounts == {"/tmp": "tmp"}
    assert [v["name"] for v in pod["volumes"] if "emptyDir" in v] == ["tmp"]


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_container_has_requests_and_limits(name: str) -> None:
    resources = container(name)["resources"]
    for bound in ("requests", "limits"):
        assert set(resources[bound]) == {"cpu", "memory"}, (name, bound)


def test_server_probes_are_native_grpc() -> None:
    server = container("server.yaml")
    assert server["readinessProbe"]["grpc"] == {"port": 8321}
    assert server["livenessProbe"]["grpc"] == {"port": 8321}
    assert {"name": "PORT", "value": "8321"} in server["env"]
    assert server["ports"] == [{"name": "grpc", "containerPort": 8321, "protocol": "TCP"}]


def test_client_probes_healthz_and_finds_the_server_by_its_service() -> None:
    client = container("client.yaml")
    for probe in ("readinessProbe", "livenessProbe"):
        assert client[probe]["httpGet"] == {"path": "/healthz", "port": "http"}
    server_service = by_kind(render("server.yaml"), "Service")
    address = f"{server_service['metadata']['name']}:{server_service['spec']['ports'][0]['port']}"
    assert {"name": "MOUNTAINS_SERVER", "value": address} in client["env"]
    assert address == "mountains-server:8321"


@pytest.mark.parametrize(("name", "node_port"), [("client.yaml", 30300), ("registry.yaml", 30500)])
def test_node_ports(name: str, node_port: int) -> None:
    service = by_kind(render(name), "Service")
    assert service["spec"]["type"] == "NodePort"
    assert [p["nodePort"] for p in service["spec"]["ports"]] == [node_port]


@pytest.mark.parametrize("name", ALL_FILES)
def test_services_select_their_pods_and_name_real_ports(name: str) -> None:
    docs = render(name)
    deployment, service = by_kind(docs, "Deployment"), by_kind(docs, "Service")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert service["spec"]["selector"].items() <= labels.items()
    port_names = {p["name"] for p in container(name)["ports"]}
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= port_names


def test_registry_is_plain_registry_2_with_scratch_storage() -> None:
    assert container("registry.yaml")["ports"] == [
        {"name": "registry", "containerPort": 5000, "protocol": "TCP"}
    ]
    volumes = by_kind(render("registry.yaml"), "Deployment")["spec"]["template"]["spec"]["volumes"]
    assert volumes == [{"name": "images", "emptyDir": {}}]


def test_only_known_files() -> None:
    assert sorted(p.name for p in KUBERNETES_DIR.iterdir()) == sorted(ALL_FILES)
