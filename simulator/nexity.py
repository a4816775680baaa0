"""Nexity's login in front of a cloud simulator: AWS Cognito (SRP), then Nexity's API.

A Nexity account logs in to Cognito with the Secure Remote Password protocol
(``InitiateAuth`` USER_SRP_AUTH, then ``RespondToAuthChallenge`` with the
password claim), trades the Cognito ID token for an SSO token at Nexity's
``/deploy/api/v1/domotic/token``, and logs in to Overkiz with that token. This
serves both services over https on 127.0.0.1 with a certificate of its own CA for
Nexity's API host name; ``ca_pem`` is what a client must trust. The password is
never sent: the server checks the client's proof against a verifier, as Cognito
does.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
import hashlib
import hmac
import json
import secrets
from typing import TYPE_CHECKING, Any, Self

from aiohttp import web

from .certs import authority_ssl_context

if TYPE_CHECKING:
    from types import TracebackType

    from .gateway import GatewaySimulator

API_HOST = "api.egn.prd.aws-nexity.fr"
USER_POOL = "eu-west-1_wj277ucoI"
CLIENT_ID = "3mca95jd5ase5lfde65rerovok"
TOKEN_PATH = "/deploy/api/v1/domotic/token"
_TARGET = "AWSCognitoIdentityProviderService."
_JSON = "application/x-amz-json-1.1"

# The 3072-bit group of RFC 5054 that Cognito uses, generator 2.
_N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B"
    "22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E"
    "7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651EC"
    "E45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356"
    "208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E77"
    "2C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2"
    "261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8A"
    "EA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B"
    "F12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946"
    "E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16,
)
_G = 2


def _hex(value: int | str) -> str:
    """Hex as Cognito hashes it: even length, a leading 00 when the top bit is set."""
    text = value if isinstance(value, str) else f"{value:x}"
    if len(text) % 2:
        return "0" + text
    return "00" + text if text[0] in "89abcdefABCDEF" else text


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest().rjust(64, "0")


def _hash_hex(hex_text: str) -> int:
    return int(_hash(bytes.fromhex(hex_text)), 16)


_K = _hash_hex("00" + f"{_N:X}" + "0" + f"{_G:x}")


def _derived_key(secret: int, scramble: int) -> bytes:
    """HKDF-SHA256 of the shared secret, 16 bytes, as Cognito derives it."""
    prk = hmac.new(
        bytes.fromhex(_hex(scramble)), bytes.fromhex(_hex(secret)), hashlib.sha256
    ).digest()
    return hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]


@dataclass
class _Challenge:
    """A started SRP login waiting for the client's password claim."""

    username: str
    big_a: int
    small_b: int
    big_b: int


class NexityCloud:
    """Cognito and Nexity's token endpoint for one account of a cloud simulator.

    The account is the simulator's (``sim.username``, ``sim.password``); the SSO
    token it hands out opens an Overkiz session on ``sim``.
    """

    def __init__(self, sim: GatewaySimulator) -> None:
        self.sim = sim
        self.pool_name = USER_POOL.split("_", 1)[1]
        self.user_id = f"{secrets.token_hex(4)}-sim-{secrets.token_hex(4)}"
        self.salt = secrets.token_hex(16)
        self._verifier = pow(_G, self._private_key(sim.password), _N)
        self._challenges: dict[str, _Challenge] = {}
        self._id_tokens: set[str] = set()
        self.calls: dict[str, int] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.ca_pem, self._server_context = authority_ssl_context(API_HOST)

    def _private_key(self, password: str) -> int:
        secret = f"{self.pool_name}{self.user_id}:{password}".encode()
        return _hash_hex(_hex(self.salt) + _hash(secret))

    @property
    def endpoint(self) -> str:
        """Return Cognito's URL, for boto3's endpoint variable of cognito-idp."""
        return f"https://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Listen on 127.0.0.1 over https."""
        app = web.Application()
        app.router.add_post("/", self._cognito)
        app.router.add_get(TOKEN_PATH, self._token)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=self._server_context)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- Cognito ------------------------------------------------------------------

    async def _cognito(self, request: web.Request) -> web.Response:
        operation = request.headers.get("X-Amz-Target", "").removeprefix(_TARGET)
        self.calls[operation] = self.calls.get(operation, 0) + 1
        try:
            body = json.loads(await request.read())
        except ValueError:
            return _aws_error("SerializationException", "Malformed body")
        if not isinstance(body, dict) or body.get("ClientId") != CLIENT_ID:
            return _aws_error("ResourceNotFoundException", "User pool client not found")
        if operation == "InitiateAuth":
            return self._initiate(body)
        if operation == "RespondToAuthChallenge":
            return self._respond(body)
        return _aws_error("UnknownOperationException", operation)

    def _initiate(self, body: dict[str, Any]) -> web.Response:
        params = body.get("AuthParameters") or {}
        if body.get("AuthFlow") != "USER_SRP_AUTH":
            return _aws_error("InvalidParameterException", "Unsupported flow")
        if params.get("USERNAME") != self.sim.username:
            return _aws_error("UserNotFoundException", "User does not exist.")
        try:
            big_a = int(str(params.get("SRP_A")), 16)
        except ValueError:
            big_a = 0
        if big_a % _N == 0:
            return _aws_error("InvalidParameterException", "Invalid SRP_A")
        small_b = secrets.randbits(1024) % _N
        big_b = (_K * self._verifier + pow(_G, small_b, _N)) % _N
        secret_block = base64.standard_b64encode(secrets.token_bytes(64)).decode()
        self._challenges[secret_block] = _Challenge(
            params["USERNAME"], big_a, small_b, big_b
        )
        return _aws_json(
            {
                "ChallengeName": "PASSWORD_VERIFIER",
                "ChallengeParameters": {
                    "SALT": self.salt,
                    "SRP_B": f"{big_b:x}",
                    "SECRET_BLOCK": secret_block,
                    "USER_ID_FOR_SRP": self.user_id,
                    "USERNAME": self.user_id,
                },
            }
        )

    def _respond(self, body: dict[str, Any]) -> web.Response:
        answers = body.get("ChallengeResponses") or {}
        challenge = self._challenges.pop(
            str(answers.get("PASSWORD_CLAIM_SECRET_BLOCK")), None
        )
        if body.get("ChallengeName") != "PASSWORD_VERIFIER" or challenge is None:
            return _aws_error("NotAuthorizedException", "Invalid session.")
        scramble = _hash_hex(_hex(challenge.big_a) + _hex(challenge.big_b))
        secret = pow(
            challenge.big_a * pow(self._verifier, scramble, _N),
            challenge.small_b,
            _N,
        )
        message = (
            self.pool_name.encode()
            + self.user_id.encode()
            + base64.standard_b64decode(answers["PASSWORD_CLAIM_SECRET_BLOCK"])
            + str(answers.get("TIMESTAMP", "")).encode()
        )
        expected = base64.standard_b64encode(
            hmac.new(_derived_key(secret, scramble), message, hashlib.sha256).digest()
        ).decode()
        if not hmac.compare_digest(
            expected, str(answers.get("PASSWORD_CLAIM_SIGNATURE"))
        ):
            return _aws_error(
                "NotAuthorizedException", "Incorrect username or password."
            )
        id_token = secrets.token_urlsafe(32)
        self._id_tokens.add(id_token)
        return _aws_json(
            {
                "ChallengeParameters": {},
                "AuthenticationResult": {
                    "AccessToken": secrets.token_urlsafe(32),
                    "ExpiresIn": 3600,
                    "TokenType": "Bearer",
                    "RefreshToken": secrets.token_urlsafe(32),
                    "IdToken": id_token,
                },
            }
        )

    # -- Nexity's API -------------------------------------------------------------

    async def _token(self, request: web.Request) -> web.Response:
        self.calls["token"] = self.calls.get("token", 0) + 1
        if request.headers.get("Authorization") not in self._id_tokens:
            return web.json_response({"message": "Unauthorized"}, status=401)
        token = self.sim.auth.issue_sso_token(self.sim.username.replace("@", "_-_"))
        return web.json_response({"token": token})


def _aws_json(data: dict[str, Any]) -> web.Response:
    return web.Response(text=json.dumps(data), content_type=_JSON)


def _aws_error(kind: str, message: str) -> web.Response:
    return web.Response(
        status=400,
        text=json.dumps({"__type": kind, "message": message}),
        content_type=_JSON,
    )
