"""The mutation guard's deny list: which command lines count as mutating production."""

from __future__ import annotations

import dataclasses
import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_cutover.safety import wrappers
from pytest_cutover.safety.audit import ProcessStart
from pytest_cutover.safety.mutation import DEFAULT_DENY, DenyList, deny_list

DENY = deny_list()


def argv_of(line: str) -> list[str]:
    """A command line as the argv a process gets (quotes resolved by shlex)."""
    return shlex.split(line)


# -- the default list --------------------------------------------------------------------------


def test_the_default_list_has_each_pattern_once() -> None:
    assert len(set(DEFAULT_DENY)) == len(DEFAULT_DENY)


def test_the_default_list_holds_every_pattern_the_brief_names() -> None:
    named = [
        *(f"{tool} {verb}" for tool in ("docker compose", "docker-compose") for verb in (
            "up", "down", "rm", "stop", "kill", "restart", "start", "create", "pull", "push",
            "run", "exec",
        )),
        "docker rm", "docker stop", "docker kill", "docker restart", "docker start", "docker run",
        "docker rmi", "docker system prune", "docker volume rm", "docker network rm",
        "kubectl apply", "kubectl delete", "kubectl patch", "kubectl scale", "kubectl create",
        "kubectl replace", "kubectl edit", "kubectl set", "kubectl drain", "kubectl cordon",
        "helm install", "helm upgrade", "helm uninstall", "helm rollback", "helm delete",
        "terraform apply", "terraform destroy", "terraform import", "tofu apply", "tofu destroy",
        "git push", "systemctl start", "systemctl stop", "systemctl restart", "systemctl reload",
        "systemctl enable", "systemctl disable", "service",
    ]  # fmt: skip
    assert set(named) <= set(DEFAULT_DENY)


def test_kubectl_rollout_is_denied_only_for_the_verbs_that_change_a_rollout() -> None:
    rollouts = sorted(p for p in DEFAULT_DENY if p.startswith("kubectl rollout"))
    assert rollouts == [
        "kubectl rollout pause",
        "kubectl rollout restart",
        "kubectl rollout resume",
        "kubectl rollout undo",
    ]


def test_the_default_deny_list_is_the_default_patterns_split_into_words() -> None:
    assert DENY.patterns == tuple(tuple(pattern.split()) for pattern in DEFAULT_DENY)


def test_a_deny_list_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DENY.patterns = ()  # type: ignore[misc]  # a frozen field, assigned on purpose


def test_a_deny_list_built_by_hand_matches_its_own_patterns_only() -> None:
    mine = DenyList((("git", "push"),))
    assert mine.match(["git", "push"]) == "git push"
    assert mine.match(["docker", "compose", "down"]) is None


def test_an_empty_argv_matches_nothing() -> None:
    assert DENY.match([]) is None
    assert DENY.match(()) is None


def test_the_match_is_the_pattern_as_text() -> None:
    assert DENY.match(("docker", "compose", "-f", "x.yml", "down", "-v")) == "docker compose down"


# -- rule 1: the command name is the basename of argv[0] --------------------------------------


@pytest.mark.parametrize(
    ("line", "pattern"),
    [
        ("/usr/bin/docker compose down", "docker compose down"),
        ("/usr/local/bin/docker-compose up -d", "docker-compose up"),
        ("./docker rm web", "docker rm"),
        ("/snap/bin/kubectl apply -f x.yaml", "kubectl apply"),
        ("/usr/bin/git push", "git push"),
        ("/usr/sbin/service nginx restart", "service"),
        ("/sbin/reboot", "reboot"),
    ],
)
def test_a_command_given_by_its_path_is_matched_by_its_basename(line: str, pattern: str) -> None:
    assert DENY.match(argv_of(line)) == pattern


@pytest.mark.parametrize(
    "line",
    [
        "dockerx compose down",
        "my-docker compose down",
        "/opt/docker/bin/compose down",
        "docker-compose-helper up",
        "gitk push",
        "Docker compose down",
    ],
)
def test_a_different_program_with_a_similar_name_is_not_matched(line: str) -> None:
    assert DENY.match(argv_of(line)) is None


@pytest.mark.parametrize(
    "line",
    [
        "echo docker compose down",
        "grep -r 'docker compose down' docs",
        "printf '%s\\n' git push",
        "man docker-compose up",
    ],
)
def test_a_denied_command_only_mentioned_as_an_argument_is_not_matched(line: str) -> None:
    assert DENY.match(argv_of(line)) is None


def test_leading_assignments_are_skipped() -> None:
    assert DENY.match(["COMPOSE_FILE=prod.yml", "docker", "compose", "down"]) == (
        "docker compose down"
    )


# -- rule 2: wrappers are looked through -------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "pattern"),
    [
        ("sudo docker compose down", "docker compose down"),
        ("sudo -u deploy docker compose down", "docker compose down"),
        ("sudo -E -H -u deploy -- docker compose down", "docker compose down"),
        ("sudo --user=deploy --preserve-env=PATH docker rm web", "docker rm"),
        ("sudo -n -g docker docker stop web", "docker stop"),
        ("sudo COMPOSE_PROJECT_NAME=prod docker compose up -d", "docker compose up"),
        ("sudo /usr/bin/systemctl restart nginx", "systemctl restart"),
        ("doas -u root systemctl stop nginx", "systemctl stop"),
        ("env docker compose down", "docker compose down"),
        (
            "env COMPOSE_FILE=prod.yml DOCKER_HOST=ssh://prod docker compose down",
            "docker compose down",
        ),
        ("env -i PATH=/usr/bin docker compose down", "docker compose down"),
        ("env -u DOCKER_HOST -C /srv docker compose down", "docker compose down"),
        ("/usr/bin/env KUBECONFIG=/etc/k kubectl apply -f x.yaml", "kubectl apply"),
        ("nohup docker compose up -d", "docker compose up"),
        ("timeout 30 docker compose down", "docker compose down"),
        ("timeout 5m helm upgrade app chart", "helm upgrade"),
        ("timeout -s KILL 30 docker compose down", "docker compose down"),
        ("timeout --signal=KILL --kill-after=5 30s docker compose down", "docker compose down"),
        ("timeout -k 5 30 docker compose down", "docker compose down"),
        ("nice docker compose up", "docker compose up"),
        ("nice -n 10 docker compose up", "docker compose up"),
        ("nice -10 docker compose up", "docker compose up"),
        ("ionice -c 3 docker system prune -f", "docker system prune"),
        ("command docker compose down", "docker compose down"),
        ("command -p git push", "git push"),
        ("exec docker compose down", "docker compose down"),
        ("exec -a compose docker compose down", "docker compose down"),
        ("xargs docker rm", "docker rm"),
        ("xargs -r -n 1 docker rm -f", "docker rm"),
        ("xargs -I{} docker rm {}", "docker rm"),
        ("xargs -0 kubectl delete pod", "kubectl delete"),
        ("stdbuf -oL docker compose up", "docker compose up"),
        ("setsid -w docker compose up", "docker compose up"),
        ("time docker compose down", "docker compose down"),
        ("/usr/bin/time -o /tmp/t -f %e docker compose down", "docker compose down"),
        ("chroot /srv/root systemctl restart app", "systemctl restart"),
        (
            "sudo -u deploy env HOME=/srv nice -n 5 timeout 60 docker compose down",
            "docker compose down",
        ),
    ],
)
def test_a_wrapper_is_looked_through(line: str, pattern: str) -> None:
    assert DENY.match(argv_of(line)) == pattern


@pytest.mark.parametrize(
    ("line", "pattern"),
    [
        ("ssh prod docker compose down", "docker compose down"),
        ("ssh prod 'cd /srv && docker compose down'", "docker compose down"),
        ("ssh -p 2222 -i ~/.ssh/deploy deploy@prod 'docker compose up -d'", "docker compose up"),
        ("ssh -o StrictHostKeyChecking=no -t prod sudo systemctl restart app", "systemctl restart"),
        ("watch docker compose restart web", "docker compose restart"),
        ("watch -n 5 'docker compose restart web'", "docker compose restart"),
    ],
)
def test_ssh_and_watch_run_their_words_as_a_shell_script(line: str, pattern: str) -> None:
    assert DENY.match(argv_of(line)) == pattern


@pytest.mark.parametrize(
    "line",
    [
        "sudo docker compose config",
        "sudo -u deploy docker compose ps",
        "env -i docker version",
        "timeout 30 docker compose version",
        "nice -n 10 git status --porcelain",
        "xargs -r docker inspect",
        "ssh prod 'docker compose ps'",
        "ssh prod",
        "watch -n 5 kubectl get pods",
        "command -v docker",
        "command -v service",
        "command -V reboot",
        "sudo -l",
        "timeout 30",
        "env",
    ],
)
def test_a_wrapper_around_nothing_denied_is_allowed(line: str) -> None:
    assert DENY.match(argv_of(line)) is None


# -- rule 3: options and their values are skipped ----------------------------------------------


@pytest.mark.parametrize(
    ("line", "pattern"),
    [
        ("docker compose -f deploy/docker-compose.yml down", "docker compose down"),
        ("docker compose -f a.yml -f b.yml -p prod down --volumes", "docker compose down"),
        ("docker compose --file=deploy/docker-compose.yml down", "docker compose down"),
        ("docker compose --profile debug down", "docker compose down"),
        ("docker compose --project-directory /srv --env-file .env up -d", "docker compose up"),
        ("docker --context prod compose down", "docker compose down"),
        ("docker -H ssh://prod compose restart web", "docker compose restart"),
        ("docker --log-level debug rm -f web", "docker rm"),
        ("docker-compose -f deploy/docker-compose.yml down", "docker-compose down"),
        ("docker-compose --verbose up -d", "docker-compose up"),
        ("kubectl -n prod apply -f x.yaml", "kubectl apply"),
        ("kubectl --namespace=prod delete pod web-0", "kubectl delete"),
        ("kubectl --context prod -n web rollout restart deploy/web", "kubectl rollout restart"),
        ("kubectl apply --dry-run=client -f x.yaml", "kubectl apply"),
        ("git -C repo push origin main", "git push"),
        ("git --no-pager push", "git push"),
        ("git -c push.default=current push", "git push"),
        ("git --git-dir=/srv/app/.git push --force", "git push"),
        ("git push --dry-run", "git push"),
        ("helm --kube-context prod upgrade x chart", "helm upgrade"),
        ("helm -n prod --debug rollback app 3", "helm rollback"),
        ("systemctl --user restart app", "systemctl restart"),
        ("systemctl --no-block --user restart app", "systemctl restart"),
        ("systemctl -H prod stop nginx", "systemctl stop"),
        ("terraform -chdir=infra apply -auto-approve", "terraform apply"),
        ("terraform -chdir=infra state rm aws_instance.web", "terraform state rm"),
        ("tofu -chdir infra destroy", "tofu destroy"),
        ("docker --context prod container rm web", "docker container rm"),
    ],
)
def test_options_and_their_values_before_a_verb_are_skipped(line: str, pattern: str) -> None:
    assert DENY.match(argv_of(line)) == pattern


def test_compose_down_behind_a_file_option_is_denied() -> None:
    argv = ["docker", "compose", "-f", "deploy/docker-compose.yml", "down"]
    assert DENY.match(argv) == "docker compose down"


def test_a_flag_before_a_verb_is_not_taken_for_an_option_with_a_value() -> None:
    # --user takes no value: "restart" is the verb, although it follows an option.
    assert DENY.match(["systemctl", "--user", "restart", "app"]) == "systemctl restart"


@pytest.mark.parametrize(
    "line",
    [
        "git log --grep push",
        "git log --grep=push",
        "git log --author push",
        "git commit -m push",
        "git config remote.origin.push refs/heads/main",
        "docker compose config --services",
        "docker compose config --quiet down",
        "docker compose logs down",
        "docker compose ps --filter status=running",
        "docker inspect rm",
        "kubectl get deploy apply",
        "kubectl logs -f apply",
        "helm get values upgrade",
        "terraform state list",
        "terraform show apply.tfplan",
        "systemctl status restart",
    ],
)
def test_a_denied_verb_that_is_not_the_next_command_word_is_not_matched(line: str) -> None:
    assert DENY.match(argv_of(line)) is None


# -- rule 4: shell strings are looked into -----------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "pattern"),
    [
        (["sh", "-c", "cd /srv && docker compose down"], "docker compose down"),
        (["bash", "-lc", "kubectl apply -f x"], "kubectl apply"),
        (["bash", "-ec", "docker compose pull; docker compose up -d"], "docker compose pull"),
        (
            ["/bin/sh", "-c", "docker compose ps || docker compose restart"],
            "docker compose restart",
        ),
        (["dash", "-c", "true | docker rm web"], "docker rm"),
        (["zsh", "-c", "docker compose up -d &"], "docker compose up"),
        (["ksh", "-c", "(cd /srv; docker compose down)"], "docker compose down"),
        (["sh", "-c", "docker compose config\ndocker compose down"], "docker compose down"),
        (["bash", "-o", "pipefail", "-c", "set -e; git push"], "git push"),
        (["bash", "--norc", "-x", "-c", "helm upgrade app ."], "helm upgrade"),
        (["bash", "-c", "-e", "git push"], "git push"),
        (["sh", "-c", "echo $(docker compose down)"], "docker compose down"),
        (["sh", "-c", 'echo "$(docker compose down)"'], "docker compose down"),
        (["sh", "-c", "echo `docker rm web`"], "docker rm"),
        (["sh", "-c", 'echo "`docker rm web`"'], "docker rm"),
        (["sh", "-c", "out=$(kubectl delete pod x)"], "kubectl delete"),
        (["sh", "-c", "diff <(docker compose down) x"], "docker compose down"),
        (["sh", "-c", "docker compose 2>/dev/null down"], "docker compose down"),
        (["sh", "-c", "docker compose -f prod.yml down >/tmp/log 2>&1"], "docker compose down"),
        (["sh", "-c", "docker compose \\\n  -f prod.yml \\\n  down"], "docker compose down"),
        (["sh", "-c", "COMPOSE_FILE=prod.yml docker compose down"], "docker compose down"),
        (["sh", "-c", "if true; then docker compose down; fi"], "docker compose down"),
        (["sh", "-c", "while :; do docker restart web; done"], "docker restart"),
        (["sh", "-c", "for c in a b; do docker rm $c; done"], "docker rm"),
        (["sh", "-c", "! docker compose down"], "docker compose down"),
        (["sh", "-c", "{ docker compose down; }"], "docker compose down"),
        (["sh", "-c", "stop() { docker compose down; }; stop"], "docker compose down"),
        (["bash", "-c", "function stop { docker compose down; }"], "docker compose down"),
        (["sh", "-c", "case $1 in down) docker compose down;; esac"], "docker compose down"),
        (["sh", "-c", "cat <<EOF | sh\ndocker compose down\nEOF"], "docker compose down"),
        (["sh", "-c", "sudo -u deploy docker compose down"], "docker compose down"),
        (["sh", "-c", "bash -c 'kubectl delete ns prod'"], "kubectl delete"),
        (["sudo", "sh", "-c", "cd /srv && docker compose down"], "docker compose down"),
        (["su", "-", "deploy", "-c", "docker compose down"], "docker compose down"),
        (["su", "-c", "systemctl restart app", "root"], "systemctl restart"),
        (["su", "deploy", "--command=git push"], "git push"),
        (["fish", "-c", "docker compose down"], "docker compose down"),
    ],
)
def test_a_shell_string_is_looked_into(argv: list[str], pattern: str) -> None:
    assert DENY.match(argv) == pattern


@pytest.mark.parametrize(
    ("script", "pattern"),
    [
        ("echo it's over && docker compose down", "docker compose down"),
        ("docker compose down 'unclosed", "docker compose down"),
        ('echo "unclosed; git push', "git push"),
        ("echo 'a b docker compose down", "docker compose down"),
        ("bash -c 'kubectl apply -f x", "kubectl apply"),
    ],
)
def test_a_script_shlex_cannot_parse_is_still_matched_word_by_word(
    script: str, pattern: str
) -> None:
    assert DENY.match(["sh", "-c", script]) == pattern


@pytest.mark.parametrize(
    "argv",
    [
        ["sh", "-c", "docker compose config --quiet"],
        ["sh", "-c", "cd /srv && docker compose config --services | sort"],
        ["bash", "-lc", "git status --porcelain; git rev-parse HEAD"],
        ["sh", "-c", "echo docker compose down"],
        ["sh", "-c", "echo 'docker compose down'"],
        ["sh", "-c", "grep -q 'git push' notes.txt"],
        ["sh", "-c", "# docker compose down\ndocker compose ps"],
        ["sh", "-c", "docker compose ps # then docker compose down"],
        ["sh", "-c", "docker compose config > down"],
        ["sh", "-c", "kubectl rollout status deploy/web --timeout=60s"],
        ["bash", "-o", "pipefail", "-c", "docker compose ps | grep -c Up"],
        ["sh", "-c", "docker compose config 2>&1 | head -1"],
        ["bash", "script.sh"],
        ["bash", "-x", "deploy.sh", "down"],
        ["sh"],
        ["bash", "-c"],
        ["sh", "-c", ""],
    ],
)
def test_a_shell_string_without_a_denied_command_is_allowed(argv: list[str]) -> None:
    assert DENY.match(argv) is None


def test_a_shell_started_by_os_system_is_refused_as_the_audit_hook_sees_it() -> None:
    start = ProcessStart(("sh", "-c", "cd /srv && docker compose down"), "/", 0.0)
    assert DENY.match(start.argv) == "docker compose down"


# -- rule 5: the read-only commands the preflight uses -----------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "docker compose config",
        "docker compose -f deploy/docker-compose.yml config --quiet",
        "docker compose config --services",
        "docker compose version",
        "docker compose version --short",
        "docker-compose version",
        "docker-compose config",
        "docker version",
        "docker --version",
        "docker info",
        "docker ps -a",
        "docker compose ps",
        "docker compose logs --tail 100 web",
        "docker image ls",
        "docker container ls",
        "docker inspect web",
        "git status --porcelain",
        "git rev-parse HEAD",
        "git -C repo rev-parse --abbrev-ref HEAD",
        "git log -1 --format=%H",
        "git fetch --dry-run",
        "kubectl get pods",
        "kubectl -n prod get pods -o wide",
        "kubectl describe deploy web",
        "kubectl rollout status deploy/web",
        "kubectl rollout history deploy/web",
        "kubectl diff -f x.yaml",
        "kubectl version --client",
        "helm list",
        "helm -n prod list --all",
        "helm status app",
        "helm history app",
        "terraform plan",
        "terraform -chdir=infra plan -out=tfplan",
        "terraform validate",
        "terraform state list",
        "tofu plan",
        "systemctl status app",
        "systemctl --user status app",
        "systemctl is-active --quiet app",
        "systemctl list-units --failed",
        "bash -n script.sh",
        "sh -n deploy/scripts/canary-deploy.sh",
    ],
)
def test_a_read_only_command_of_the_preflight_is_allowed(line: str) -> None:
    assert DENY.match(argv_of(line)) is None


# -- extra patterns ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "line", "pattern"),
    [
        (["aws s3 rm"], "aws s3 rm s3://bucket/key", "aws s3 rm"),
        (["aws s3 rm"], "aws --profile prod --region eu-west-1 s3 rm s3://b/k", "aws s3 rm"),
        (["aws s3 rm"], "sudo -u deploy aws s3 rm s3://b/k", "aws s3 rm"),
        (["aws s3 rm"], "sh -c 'aws s3 ls && aws s3 rm s3://b/k'", "aws s3 rm"),
        (["psql -c"], "psql -h db -U app -c 'DROP TABLE users'", "psql -c"),
        (["psql -c"], "psql app -c 'DELETE FROM users'", "psql -c"),
        (["psql --command"], "psql --command='DELETE FROM users'", "psql --command"),
        (["deploy.sh"], "./deploy/deploy.sh --env prod", "deploy.sh"),
        (["/opt/tools/deploy"], "deploy prod", "/opt/tools/deploy"),
        (
            ["  ansible-playbook   site.yml  "],
            "ansible-playbook -i prod site.yml",
            "ansible-playbook site.yml",
        ),
        (
            ["gcloud run deploy", "aws ecs update-service"],
            "aws ecs update-service --force",
            "aws ecs update-service",
        ),
    ],
)
def test_an_extra_pattern_is_denied_like_a_default_one(
    extra: list[str], line: str, pattern: str
) -> None:
    assert deny_list(extra).match(argv_of(line)) == pattern


@pytest.mark.parametrize(
    ("extra", "line"),
    [
        (["aws s3 rm"], "aws s3 ls s3://bucket"),
        (["aws s3 rm"], "aws s3api list-objects --bucket rm"),
        (["psql -c"], "psql -l"),
        (["psql -c"], "pg_dump -c app"),
        (["ansible-playbook site.yml"], "ansible-playbook --syntax-check other.yml"),
    ],
)
def test_an_extra_pattern_does_not_match_other_commands(extra: list[str], line: str) -> None:
    assert deny_list(extra).match(argv_of(line)) is None


def test_extra_patterns_come_after_the_default_ones() -> None:
    patterns = deny_list(["aws s3 rm"]).patterns
    assert patterns[: len(DEFAULT_DENY)] == DENY.patterns
    assert patterns[-1] == ("aws", "s3", "rm")


def test_an_extra_pattern_already_in_the_defaults_is_kept_once() -> None:
    assert deny_list(["git push", "git  push"]).patterns == DENY.patterns


def test_extra_patterns_do_not_change_the_default_list() -> None:
    deny_list(["aws s3 rm"])
    assert deny_list().match(["aws", "s3", "rm", "s3://b/k"]) is None


# -- malformed patterns ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("-rf", "starts with an option"),
        ("--force push", "starts with an option"),
        ("  -n prod delete", "starts with an option"),
        ("docker compose down;", "contains shell syntax (;)"),
        ("docker compose down && true", "contains shell syntax (&)"),
        ("kubectl delete | tee", "contains shell syntax (|)"),
        ("psql -c 'DROP'", "contains shell syntax (')"),
        ('echo "x"', 'contains shell syntax (")'),
        ("echo $(rm) > x", "contains shell syntax (( ) >)"),
    ],
)
def test_a_malformed_pattern_is_refused_with_a_sentence_naming_it(
    pattern: str, problem: str
) -> None:
    with pytest.raises(ValueError, match="deny pattern") as raised:
        deny_list(["aws s3 rm", pattern])
    message = str(raised.value)
    assert message.startswith(f"deny pattern {pattern!r} {problem}")
    assert "like 'aws s3 rm'" in message


def test_a_malformed_pattern_is_refused_even_among_good_ones() -> None:
    with pytest.raises(ValueError, match="'-v'"):
        deny_list(["aws s3 rm", "-v", "gcloud run deploy"])


def test_the_first_denied_command_of_a_script_is_the_one_reported() -> None:
    script = "git status; kubectl scale deploy/web --replicas=0 && helm uninstall web"
    assert DENY.match(["bash", "-c", script]) == "kubectl scale"


# -- more wrappers, each with the options it knows (issue 12) ----------------------------------


@pytest.mark.parametrize(
    ("argv", "pattern"),
    [
        (["env", "-S", "docker compose down"], "docker compose down"),
        (["env", "-S", "docker compose", "down"], "docker compose down"),
        (["env", "-iS", "docker compose down"], "docker compose down"),
        (["env", "-Sdocker compose down"], "docker compose down"),
        (["env", "--split-string=docker compose down"], "docker compose down"),
        (["env", "--split-string", "docker compose down"], "docker compose down"),
        (["env", "-S", "-i FOO=1 docker compose down"], "docker compose down"),
        (["env", "-S", "docker\\_compose\\_down"], "docker compose down"),
        (["env", "-u", "HOME", "-S", "docker compose down"], "docker compose down"),
        (["env", "-i", "--", "PATH=/bin", "docker", "compose", "down"], "docker compose down"),
        (["find", ".", "-exec", "docker", "compose", "down", ";"], "docker compose down"),
        (["find", ".", "-name", "x", "-execdir", "rm", "-rf", "{}", "+"], "rm -r"),
        (["find", ".", "-ok", "docker", "rm", "{}", ";"], "docker rm"),
        (["find", ".", "-print", "-okdir", "git", "push", ";"], "git push"),
        (["find", ".", "-exec", "true", ";", "-exec", "git", "push", ";"], "git push"),
        (["flock", "LOCK", "docker", "compose", "down"], "docker compose down"),
        (["flock", "-x", "-w", "5", "-E", "3", "LOCK", "git", "push"], "git push"),
        (["flock", "LOCK", "-c", "cd /srv && docker compose down"], "docker compose down"),
        (["flock", "-c", "docker compose down", "LOCK"], "docker compose down"),
        (["flock", "LOCK", "--command=git push"], "git push"),
        (["chrt", "-o", "0", "docker", "compose", "down"], "docker compose down"),
        (["chrt", "--fifo", "10", "git", "push"], "git push"),
        (["chrt", "-T", "100", "-P", "200", "-d", "0", "git", "push"], "git push"),
        (["chrt", "-o", "docker", "compose", "down"], "docker compose down"),
        (["taskset", "-c", "0", "docker", "compose", "down"], "docker compose down"),
        (["taskset", "0x1", "git", "push"], "git push"),
        (["unshare", "docker", "compose", "down"], "docker compose down"),
        (["unshare", "-r", "-m", "--propagation", "private", "git", "push"], "git push"),
        (["unshare", "--mount=/run/ns", "-w", "/srv", "git", "push"], "git push"),
        (["script", "-qc", "docker compose down", "/dev/null"], "docker compose down"),
        (["script", "-q", "-c", "docker compose down"], "docker compose down"),
        (["script", "-E", "never", "--command", "git push", "log"], "git push"),
        (["script", "--command=git push"], "git push"),
        (["setsid", "-f", "docker", "compose", "down"], "docker compose down"),
        (["sudo", "-iu", "deploy", "docker", "compose", "down"], "docker compose down"),
        (["sudo", "-D", "/srv", "-T", "60", "git", "push"], "git push"),
        (["sudo", "--chdir=/srv", "sh", "-c", "git push"], "git push"),
        (["doas", "-n", "-u", "deploy", "git", "push"], "git push"),
        (["xargs", "-d", "\\n", "-P", "4", "-L", "1", "docker", "rm"], "docker rm"),
        (["bash", "-c", "command -p docker compose down"], "docker compose down"),
        (["bash", "-c", "builtin command docker compose down"], "docker compose down"),
        (["bash", "-c", "time -p docker compose down"], "docker compose down"),
        (["zsh", "-c", "docker compose down"], "docker compose down"),
        (["ksh", "-o", "errexit", "-c", "git push"], "git push"),
        (["bash", "-c", "-o", "pipefail", "git push"], "git push"),
        (["bash", "-c", "trap 'docker compose down' EXIT; true"], "docker compose down"),
        (["bash", "-c", "eval 'docker compose down'"], "docker compose down"),
        (["busybox", "rm", "-rf", "/srv"], "rm -r"),
        (["runuser", "-u", "deploy", "--", "git", "push"], "git push"),
    ],
)
def test_the_documented_wrappers_are_looked_through(argv: list[str], pattern: str) -> None:
    assert DENY.match(argv) == pattern


@pytest.mark.parametrize(
    ("argv", "pattern"),
    [
        (["git", "-c", "alias.p=push", "p"], "git push"),
        (["git", "-c", "alias.P=push", "p", "origin", "main"], "git push"),
        (["git", "-C", "repo", "-c", "alias.ship=push --force", "ship"], "git push"),
        (["git", "-c", "alias.a=b", "-c", "alias.b=push", "a"], "git push"),
        (["git", "-c", "alias.d=!docker compose down", "d"], "docker compose down"),
        (["git", "-c", "alias.d=!f() { docker compose down; }; f", "d"], "docker compose down"),
        (["git", "-c", "core.pager=docker compose down", "log"], "docker compose down"),
        (["git", "-c", "core.sshCommand=kubectl delete ns prod", "fetch"], "kubectl delete"),
    ],
)
def test_a_git_alias_or_command_setting_given_with_c_is_looked_into(
    argv: list[str], pattern: str
) -> None:
    assert DENY.match(argv) == pattern


@pytest.mark.parametrize(
    ("argv", "pattern"),
    [
        (["bash", "-c", "$0 compose down", "docker"], "docker compose down"),
        (["bash", "-c", "${0} compose $1", "docker", "down"], "docker compose down"),
        (["sh", "-c", '"$@"', "sh", "docker", "compose", "down"], "docker compose down"),
        (["sh", "-c", 'exec "$@"', "sh", "git", "push"], "git push"),
        (["sh", "-c", "$1 $2", "sh", "git", "push"], "git push"),
        (["sh", "-c", "docker compose $*", "sh", "-f", "x.yml", "down"], "docker compose down"),
        (["sh", "-c", "$1 docker compose down"], "docker compose down"),
        (["bash", "-c", "sh -c '$0 compose down' docker", "outer"], "docker compose down"),
    ],
)
def test_the_positional_parameters_of_a_shell_script_are_substituted(
    argv: list[str], pattern: str
) -> None:
    assert DENY.match(argv) == pattern


@pytest.mark.parametrize(
    "argv",
    [
        ["env", "-u", "docker", "compose", "down"],  # docker is -u's value: runs `compose down`
        ["timeout", "-s", "KILL", "5", "docker", "compose", "config"],
        ["nice", "-n", "10", "git", "status"],
        ["flock", "-w", "5", "git", "push"],  # git is the lock file: runs `push`
        ["find", ".", "-name", "push", "-print"],
        ["find", ".", "-exec", "grep", "-l", "git push", "{}", ";"],
        ["git", "-c", "alias.p=push", "status"],
        ["git", "-c", "alias.st=status", "st"],
        ["script", "-qc", "docker compose config", "/dev/null"],
        ["bash", "-c", "$0 compose config", "docker"],
        ["chrt", "-o", "0", "git", "status"],
    ],
)
def test_a_wrapper_s_option_values_are_not_taken_for_its_command(argv: list[str]) -> None:
    assert DENY.match(argv) is None
    assert DENY.unreadable(argv) is None


# -- what the guard cannot read (issue 12) -----------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "why"),
    [
        (["bash", "-c", 'eval "$CMD"'], wrappers.UNREADABLE_EVAL),
        (["sh", "-c", "x=down; eval docker compose $x"], wrappers.UNREADABLE_EVAL),
        (["bash", "-c", "builtin eval \"$1\"", "sh", "true"], wrappers.UNREADABLE_EVAL),
        (["bash", "-c", "docker compose $'\\x64own'"], wrappers.UNREADABLE_ANSI),
        (["bash", "-c", 'echo $"hello"'], wrappers.UNREADABLE_ANSI),
        (
            ["bash", "-c", "do{c,}ker compose down"],
            wrappers.UNREADABLE_BRACES.format(braces="{c,}"),
        ),
        (
            ["bash", "-c", "docker compose {config,down}"],
            wrappers.UNREADABLE_BRACES.format(braces="{config,down}"),
        ),
        (["bash", "-c", "echo {1..3}"], wrappers.UNREADABLE_BRACES.format(braces="{1..3}")),
        (["sh", "-c", "$CMD compose down"], wrappers.UNREADABLE_NAME.format(word="'$CMD'")),
        (["sh", "-c", '"${TOOL}" down'], wrappers.UNREADABLE_NAME.format(word="'${TOOL}'")),
        (["sh", "-c", "sudo $CMD"], wrappers.UNREADABLE_NAME.format(word="'$CMD'")),
        (["sh", "-c", "/usr/bin/dock* compose down"], wrappers.UNREADABLE_NAME.format(
            word="'/usr/bin/dock*'"
        )),
        (["sh", "-c", "set -- git push; \"$@\""], wrappers.UNREADABLE_NAME.format(word="'$@'")),
        (["sh", "-c", "$(echo docker) compose down"], wrappers.UNREADABLE_SUBSTITUTION),
        (["sh", "-c", "`echo docker` compose down"], wrappers.UNREADABLE_SUBSTITUTION),
        (["sh", "-c", "FOO=1 `echo docker` compose down"], wrappers.UNREADABLE_SUBSTITUTION),
        (["find", ".", "-type", "f", "-exec", "{}", ";"], wrappers.UNREADABLE_FIND),
        (["git", "--config-env=alias.p=ALIAS", "p"], wrappers.UNREADABLE_CONFIG_ENV),
        (["git", "-c", "alias.a=a x", "a"], wrappers.UNREADABLE_TOO_DEEP),
        (["xargs", "docker", "compose"], wrappers.UNREADABLE_OPEN.format(
            command="docker compose", pattern="docker compose up"
        )),
        (["xargs", "-0", "rm", "-f"], wrappers.UNREADABLE_OPEN.format(
            command="rm -f", pattern="rm -r"
        )),
        (["xargs", "sh", "-c", 'docker compose "$@"', "sh"], wrappers.UNREADABLE_OPEN.format(
            command="docker compose", pattern="docker compose up"
        )),
        (["sh", "-c", "docker compose $ACTION"], wrappers.UNREADABLE_EXPANDED.format(
            word="$ACTION", command="docker compose", pattern="docker compose up"
        )),
        (["sh", "-c", "docker compose $(cat verb)"], wrappers.UNREADABLE_EXPANDED.format(
            word="$(...)", command="docker compose", pattern="docker compose up"
        )),
        (["sh", "-c", "docker compose `cat verb`"], wrappers.UNREADABLE_EXPANDED.format(
            word="`...`", command="docker compose", pattern="docker compose up"
        )),
        (["sh", "-c", "docker compose do*"], wrappers.UNREADABLE_EXPANDED.format(
            word="do*", command="docker compose", pattern="docker compose up"
        )),
        (["bash", "-c", 'rm "${FLAGS}" /srv/app'], wrappers.UNREADABLE_EXPANDED.format(
            word="${FLAGS}", command="rm", pattern="rm -r"
        )),
    ],
)  # fmt: skip
def test_what_the_guard_cannot_read_is_named(argv: list[str], why: str) -> None:
    assert DENY.unreadable(argv) == why


@pytest.mark.parametrize(
    "argv",
    [
        ["sh", "-c", 'echo "$(date)"'],
        ["sh", "-c", "head=$(git rev-parse HEAD); echo $head"],
        ["sh", "-c", "x=`date` docker compose config"],
        ["sh", "-c", 'for f in *.yml; do docker compose -f "$f" config; done'],
        ["sh", "-c", "docker ps --format '{{.Names}},{{.Status}}'"],
        ["sh", "-c", "echo '{a,b}' \"{c,d}\" \\{e,f\\}"],
        ["sh", "-c", "awk '{print $1,$2}' file"],
        ["sh", "-c", '[ -f x ] && [[ -d y ]] && cd "$HOME"'],
        ["sh", "-c", "echo ${x,,} ${y:-a}"],
        ["bash", "-c", "echo \"a $'b'\""],
        ["bash", "-c", 'exec "$@"', "bash", "docker", "compose", "config"],
        ["find", ".", "-exec", "cat", "{}", "+"],
        ["echo", "$CMD", "eval"],
        ["/opt/$weird/tool"],  # not from a shell: the name is literal
        ["xargs", "-r", "docker", "inspect"],
        ["xargs", "kubectl", "get", "pods"],
        ["sh", "-c", "docker ps --filter name=$APP"],
        ["sh", "-c", 'git log -1 --format=%H "$REF"'],
        ["sh", "-c", 'docker compose -p "$PROJECT" -f "$FILE" config --quiet'],
    ],
)
def test_ordinary_expansions_outside_the_command_name_are_readable(argv: list[str]) -> None:
    assert DENY.unreadable(argv) is None


# -- destructive file commands (issue 12) ------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "pattern"),
    [
        ("rm -r /srv/app", "rm -r"),
        ("rm -rf /srv/app", "rm -r"),
        ("rm -fr /srv/app", "rm -r"),
        ("rm -Rf /srv/app", "rm -R"),
        ("rm -f -r /srv/app", "rm -r"),
        ("rm -v --recursive /srv/app", "rm --recursive"),
        ("rm --recur /srv/app", "rm --recursive"),
        ("/bin/rm -rfv /srv/app", "rm -r"),
        ("sudo rm -rf /", "rm -r"),
        ("find /srv -name '*.log' -delete", "find -delete"),
        ("shred -u secrets.txt", "shred"),
        ("dd if=/dev/zero of=/dev/sda bs=1M", "dd of="),
        ("dd of=/dev/sda", "dd of="),
        ("truncate -s 0 app.log", "truncate"),
        ("mkfs -t ext4 /dev/sdb1", "mkfs"),
        ("mkfs.ext4 /dev/sdb1", "mkfs.*"),
        ("/sbin/mkfs.xfs -f /dev/sdb1", "mkfs.*"),
        ("mke2fs /dev/sdb1", "mke2fs"),
        ("wipefs -a /dev/sdb", "wipefs"),
    ],
)
def test_destructive_file_commands_are_denied(line: str, pattern: str) -> None:
    assert DENY.match(argv_of(line)) == pattern


@pytest.mark.parametrize(
    "line",
    [
        "rm -f /tmp/stale.pid",
        "rm build.log",
        "rm -i -v x",
        "dd if=/dev/sda bs=512 count=1",
        "find . -name '*.yml' -print",
        "mkdir -p /tmp/x",
        "rmdir /tmp/x",
    ],
)
def test_file_commands_that_destroy_no_tree_are_allowed(line: str) -> None:
    assert DENY.match(argv_of(line)) is None


def test_the_default_list_holds_the_destructive_file_commands() -> None:
    assert {"rm -r", "rm -R", "rm --recursive", "rm -rf", "rm -fr", "shred", "dd of="} <= set(
        DEFAULT_DENY
    )
    assert {"truncate", "mkfs", "mkfs.*"} <= set(DEFAULT_DENY)


@pytest.mark.parametrize(
    ("argv", "unreadable"),
    [
        (["git", "-c", "safe.directory=*", "status"], False),
        (["git", "-c", "http.extraHeader=Authorization: Bearer $TOKEN", "fetch"], False),
        (["git", "-c", "core.pager=$PAGER", "log"], True),
        (["git", "-c", "core.sshCommand=ssh -i {a,b}", "fetch"], True),
    ],
)
def test_only_a_git_setting_git_runs_can_make_git_unreadable(
    argv: list[str], unreadable: bool
) -> None:
    assert (DENY.unreadable(argv) is not None) is unreadable
    assert DENY.match(argv) is None


_HEADS = st.sampled_from(
    [[name] for name in (*wrappers.WRAPPERS, *wrappers.SHELLS, "env", "find", "git", "flock")]
    + [["sh", "-c"], ["bash", "-c"], ["script", "-qc"], ["git", "-c"], ["env", "-S"]]
)
_WORDS = st.lists(st.text(alphabet="ab -=$'\"`{},.;|&()<>\\!*?[]@0123\n", max_size=12), max_size=8)


@settings(max_examples=400, deadline=None)
@given(head=_HEADS, rest=_WORDS)
def test_reading_any_argv_never_raises_and_stays_bounded(head: list[str], rest: list[str]) -> None:
    argv = [*head, *rest]
    DENY.match(argv)
    DENY.unreadable(argv)
    assert len(wrappers.read(tuple(argv)).commands) <= wrappers.LIMIT
