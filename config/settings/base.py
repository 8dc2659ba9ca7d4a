"""Settings shared by every environment; everything deployment-specific comes from the environment."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "security.apps.SecureAdminConfig",  # django.contrib.admin with the duty-based site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "django_q",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "common",
    "accounts",
    "audit",
    "notifications",
    "bounty",
    "review",
    "documents",
    "dashboard",
    "rest_framework",
    "drf_spectacular",
    "opendata",
    "ops",
    "security",
    "axes",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "ops.middleware.RequestIdMiddleware",  # first: every log line of the request has its id
    "django.middleware.security.SecurityMiddleware",
    "ops.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "security.sessions.SessionPolicyMiddleware",  # idle/absolute time-outs, one staff session
    "security.middleware.SecondFactorMiddleware",  # officers and administrators: 2FA first
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lock-out into the login page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "notifications.context_processors.unread",
                "security.context_processors.second_factor",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/jiebang; default: SQLite in var/.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes every transaction take the write lock up front, so two
    # writers queue instead of one failing half-way ("database is locked").
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Password policy (等保 2.0: length and complexity): long enough, not like the account's
# own names, not a common password, not all digits, three kinds of character.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "security.passwords.CharacterClassValidator",
        "OPTIONS": {"min_classes": env.int("PASSWORD_MIN_CLASSES", default=3)},
    },
]
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = (
    None  # no guardian anonymous user row: anonymous visitors get no object grants
)

# --- Staff security (security/; docs/security.md) ---------------------------------------------
SECURITY = {
    # Two-factor log-in required for officers, supervisors, administrators, admin access.
    "TWO_FACTOR_ENFORCED": env.bool("SECURITY_2FA_ENFORCED", default=True),
    "RECOVERY_CODES": 10,
    # Idle time-out (staff: officers, supervisors, administrators; users: everybody else)
    # and the absolute lifetime of any session.
    "STAFF_IDLE_MINUTES": env.int("SECURITY_STAFF_IDLE_MINUTES", default=30),
    "USER_IDLE_MINUTES": env.int("SECURITY_USER_IDLE_MINUTES", default=120),
    "ABSOLUTE_HOURS": env.int("SECURITY_ABSOLUTE_HOURS", default=12),
    # `manage.py check --deploy` warns when a superuser logged in during this many days.
    "SUPERUSER_LOGIN_WARN_DAYS": env.int("SECURITY_SUPERUSER_LOGIN_WARN_DAYS", default=30),
    # Audit events and log-in records are kept at least this long (等保: ≥ 180 days).
    "AUDIT_RETENTION_DAYS": env.int("SECURITY_AUDIT_RETENTION_DAYS", default=180),
}
OTP_TOTP_ISSUER = env("SECURITY_OTP_ISSUER", default="揭榜挂帅")
# The site's own log-in page, with its lock-out; the admin has no log-in of its own.
AXES_ENABLE_ADMIN = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- I18n -------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
# Uploaded files are private (licences, bids, contracts): never served by URL,
# only through permission-checked views. Shared storage in multi-host deployments.
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)

# --- Email ------------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.cn:587; default: print to the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# Public address of the site: links in emails, QR codes printed on documents.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="jiebang@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks (django-q2) ----------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
Q_CLUSTER = {
    "name": "jiebang",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 120,
    "retry": 180,  # must exceed timeout, or a slow task runs twice
    "max_attempts": 3,
    "queue_limit": 50,
    "bulk": 10,
    "catch_up": False,
    "label": _("Background tasks"),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- Domain settings ([default] rules of DOMAIN.md live here) ----------------------------------
JIEBANG = {
    "SITE_NAME": env("SITE_NAME", default=""),
}

# --- Logs -----------------------------------------------------------------------------------
# LOG_FORMAT=json: one JSON object per line (time, level, logger, message, request_id,
# user_id, method, path, status, duration_ms) for a log collector — the production default;
# "text": readable lines for a developer's console. Every record carries the request id.
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "ops.log.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "ops.log.JsonFormatter"},
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django-q": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # ops.request writes the one line per request; django.server would repeat it.
        "django.server": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},  # its start-up banner on every command
    },
}

# --- Operations (ops/) -----------------------------------------------------------------------
# /healthz: the worker heartbeat (schedule "ops-heartbeat", every minute) older than this
# makes the site unhealthy.
OPS_HEARTBEAT_STALE_SECONDS = env.int("OPS_HEARTBEAT_STALE_SECONDS", default=300)
OPS_HEALTH_MIGRATIONS_CACHE_SECONDS = env.int("OPS_HEALTH_MIGRATIONS_CACHE_SECONDS", default=60)
# An incoming X-Request-ID longer than this (or with other characters than letters, digits
# and - _ . :) is replaced by a fresh one.
OPS_REQUEST_ID_MAX_LENGTH = 128
# Successful requests to these paths are logged at DEBUG (load balancers probe every few
# seconds); failures are logged as usual.
OPS_QUIET_PATHS = ["/healthz"]

# Security headers (ops.middleware.SecurityHeadersMiddleware). Only 'self': no inline
# script, no inline style, no outside host, no framing. Templates must keep code in static/.
CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Paths that get CSP_EXEMPT_DIRECTIVES instead: the bundled Swagger UI / Redoc pages
# (drf-spectacular-sidecar) run inline scripts. Still no outside host and no framing.
CSP_EXEMPT_PREFIXES = env.list("CSP_EXEMPT_PREFIXES", default=["/api/v1/docs/", "/api/v1/redoc/"])
CSP_EXEMPT_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self' 'unsafe-inline'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "worker-src": "'self' blob:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Digests -----------------------------------------------------------------------------------
# The algorithm new audit-chain links and new bid receipts use: "sha256" or "sm3" (GB/T 32905).
# Each record stores its algorithm, so switching keeps every earlier record verifiable.
HASH_ALGORITHM = env("HASH_ALGORITHM", default="sha256")

# --- PDF signatures (documents/signing/) -------------------------------------------------------
# PKI_KEY encrypts the private keys of the platform CA, its signing and time-stamping
# certificates and the certificates it issues to organisations (and seals uploaded PKCS#12
# files). Set it in production; changing it makes the stored keys unreadable.
PKI_KEY = env("PKI_KEY", default="dev-only-pki-key-change-me")
PKI = {
    "CA_NAME": env("PKI_CA_NAME", default="揭榜挂帅平台"),
    "CA_DAYS": env.int("PKI_CA_DAYS", default=3650),
    "CERT_DAYS": env.int("PKI_CERT_DAYS", default=730),
    "CRL_HOURS": env.int("PKI_CRL_HOURS", default=24),
    # PEM files of other CAs whose certificates the verification page trusts (organisations
    # that upload a PKCS#12 from their own CA), comma-separated paths.
    "TRUSTED_ROOTS": env.list("PKI_TRUSTED_ROOTS", default=[]),
}

# --- Sealed bids (开标解密, bounty/sealing) -------------------------------------------------
# Each challenge published while BID_SEALING is on gets an X25519 key pair; submitted bids
# are encrypted for it, and its private key is split into shares (any `threshold` of
# `holders` open the bids; 2 <= threshold <= holders): share 1 to the publishing officer,
# 2 to a supervisor, 3 to a second officer, 4 to a second supervisor, … Challenges
# published before keep today's behaviour. BID_SEALING_SCRYPT_N: cost of the team
# passphrase's scrypt (a power of two).
BID_SEALING = env.bool("BID_SEALING", default=True)
BID_SEALING_SHARES = {
    "threshold": env.int("BID_SEALING_THRESHOLD", default=2),
    "holders": env.int("BID_SEALING_HOLDERS", default=2),
}
BID_SEALING_SCRYPT_N = env.int("BID_SEALING_SCRYPT_N", default=2**15)

# --- Login throttling (django-axes) ------------------------------------------------------------
# After AXES_FAILURE_LIMIT failed log-ins for the same username from the same IP address,
# that pair is locked out for AXES_COOLOFF_HOURS; a successful log-in resets the count.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "ops.clientip.client_ip"
# Number of reverse proxies in front of the site that append to X-Forwarded-For (0: use
# the connection's address). Set it behind nginx, or every user shares the proxy's address.
OPS_TRUSTED_PROXY_COUNT = env.int("OPS_TRUSTED_PROXY_COUNT", default=0)

# Challenge rules marked [default] in DOMAIN.md: change per city here (or in the environment).
JIEBANG.update(
    {
        # Minimum share of the bounty the enterprise puts in (Nanchang: 0.8).
        "MIN_ENTERPRISE_SHARE": env.float("JIEBANG_MIN_ENTERPRISE_SHARE", default=0.5),
        # A bid deadline must be at least this many days after publication (DOMAIN §2:
        # default 30; about 6 weeks in MIIT/MoST calls).
        "MIN_BID_WINDOW_DAYS": env.int("JIEBANG_MIN_BID_WINDOW_DAYS", default=30),
        # An amendment of a material term leaves at least this many days to bid.
        "AMENDMENT_MIN_DAYS": env.int("JIEBANG_AMENDMENT_MIN_DAYS", default=7),
        # Consortium: 1 lead unit + at most this many members (MIIT calls: 4).
        "MAX_CONSORTIUM_MEMBERS": env.int("JIEBANG_MAX_CONSORTIUM_MEMBERS", default=4),
        # Bids: an organisation leads at most this many bids per call (calendar year of
        # publication) [MIIT calls: 3]; a PI leads at most 1 active bid/project and takes
        # part in at most 3 [MoST 2013].
        "MAX_LEAD_BIDS_PER_CALL": env.int("JIEBANG_MAX_LEAD_BIDS_PER_CALL", default=3),
        "PI_MAX_LEAD": env.int("JIEBANG_PI_MAX_LEAD", default=1),
        "PERSON_MAX_PARTICIPATION": env.int("JIEBANG_PERSON_MAX_PARTICIPATION", default=3),
        "BID_MAX_EXCLUSIONS": 3,
        # Attachments: per file (UPLOAD_MAX_BYTES) and per bid.
        "BID_MAX_TOTAL_BYTES": env.int("JIEBANG_BID_MAX_TOTAL_BYTES", default=100 * 1024 * 1024),
        # Execution: a milestone's report may be filed from this many days before its date;
        # reminders this many days before, then weekly once overdue; one extension of at
        # most 12 months [a city plan]; a misconduct credit record lasts this many years.
        "MILESTONE_REPORT_WINDOW_DAYS": env.int("JIEBANG_MILESTONE_REPORT_WINDOW_DAYS", default=30),
        "REMINDER_DAYS": env.list("JIEBANG_REMINDER_DAYS", cast=int, default=[14, 3]),
        "OVERDUE_REMINDER_EVERY_DAYS": env.int("JIEBANG_OVERDUE_REMINDER_EVERY_DAYS", default=7),
        "MAX_EXTENSION_MONTHS": env.int("JIEBANG_MAX_EXTENSION_MONTHS", default=12),
        "MISCONDUCT_SANCTION_YEARS": env.int("JIEBANG_MISCONDUCT_SANCTION_YEARS", default=3),
        # DOMAIN §7: final acceptance by an expert panel; False lets the bureau record
        # the result of a panel held outside the system.
        "ACCEPTANCE_PANEL_REQUIRED": env.bool("JIEBANG_ACCEPTANCE_PANEL_REQUIRED", default=True),
        # 结题 is reachable (DOMAIN §7 "added"): the team may apply for acceptance from this
        # many days before the planned end (extensions included) whatever the milestones;
        # an audit report is required above this government share (万元); the result is in
        # public notice, open to objections, for this many working days.
        "ACCEPTANCE_APPLY_DAYS_BEFORE_END": env.int(
            "JIEBANG_ACCEPTANCE_APPLY_DAYS_BEFORE_END", default=30
        ),
        "ACCEPTANCE_AUDIT_THRESHOLD": env.int("JIEBANG_ACCEPTANCE_AUDIT_THRESHOLD", default=100),
        "ACCEPTANCE_NOTICE_WORKING_DAYS": env.int(
            "JIEBANG_ACCEPTANCE_NOTICE_WORKING_DAYS", default=5
        ),
        # Contracts: the first payment on signing, as % of the government share (a city
        # plan: at least 60); where disputes go; the city named in the contracts.
        "FIRST_PAYMENT_PERCENT": env.float("JIEBANG_FIRST_PAYMENT_PERCENT", default=60),
        # The contract city and dispute body come from the bureau organisation; these
        # settings only override them when set (empty: derived from the bureau's name).
        "CONTRACT_CITY": env("JIEBANG_CONTRACT_CITY", default=""),
        "DISPUTE_BODY": env("JIEBANG_DISPUTE_BODY", default=""),
        # A render that has not finished after this many seconds is failed (worker died).
        "DOCUMENT_RENDER_STALE_SECONDS": env.int(
            "JIEBANG_DOCUMENT_RENDER_STALE_SECONDS", default=300
        ),
        # Prefix of the public Open Contracting identifier of every challenge.
        "OCID_PREFIX": env("JIEBANG_OCID_PREFIX", default="ocds-jbgs01"),
        # The scoring rubric a new challenge starts from (weights sum to 100).
        "DEFAULT_RUBRIC": [
            ("technical", 35),
            ("feasibility", 20),
            ("team", 20),
            ("schedule", 10),
            ("budget", 10),
            ("benefit", 5),
        ],
    }
)

# Calls and the levels of government (issue 19; DOMAIN §2 and §8 "added").
JIEBANG.update(
    {
        # A city with district bureaus (辖市区科技局): an enterprise's need goes to its
        # district for recommendation (推荐) before the city vets it. False skips the step.
        "DISTRICT_RECOMMENDATION": env.bool("JIEBANG_DISTRICT_RECOMMENDATION", default=True),
        # Qualification thresholds of a need's issuer [default], checked at vetting and
        # shown to the officer: last year's revenue (万元), R&D spending / revenue (%), and
        # whether an own R&D platform (municipal level or above) is required.
        "NEED_MIN_REVENUE": env.float("JIEBANG_NEED_MIN_REVENUE", default=5000),
        "NEED_MIN_RD_RATIO": env.float("JIEBANG_NEED_MIN_RD_RATIO", default=3),
        "NEED_RD_PLATFORM_REQUIRED": env.bool("JIEBANG_NEED_RD_PLATFORM_REQUIRED", default=False),
        # Experts on a need-vetting (需求论证) panel.
        "NEED_VETTING_PANEL_SIZE": env.int("JIEBANG_NEED_VETTING_PANEL_SIZE", default=3),
        # The statistics reported upward place each bidder by the administrative division
        # code in its credit code (characters 3–8): local when it starts with the city's
        # prefix, same province with the province's, else outside (Changzhou, Jiangsu).
        "CITY_REGION_CODE": env("JIEBANG_CITY_REGION_CODE", default="3204"),
        "PROVINCE_REGION_CODE": env("JIEBANG_PROVINCE_REGION_CODE", default="32"),
    }
)

# Procedure integrity (issue 16; [default] rules of DOMAIN.md §3, §5, §6).
JIEBANG.update(
    {
        # Budget in the 2021 subjects: indirect costs at most this % of the direct costs.
        "INDIRECT_COST_CAP_PERCENT": env.float("JIEBANG_INDIRECT_COST_CAP_PERCENT", default=30),
        # The issuer proposes winners (or declines to award) within this many working days
        # after the last score sheet is submitted; then the bureau may decide.
        "PROPOSAL_DUE_WORKING_DAYS": env.int("JIEBANG_PROPOSAL_DUE_WORKING_DAYS", default=15),
        # The winner signs within this many days of the award; then 递补 or re-publication.
        "SIGNING_DUE_DAYS": env.int("JIEBANG_SIGNING_DUE_DAYS", default=30),
        # The short public notice of a substitute winner (递补), in days.
        "SUBSTITUTE_NOTICE_DAYS": env.int("JIEBANG_SUBSTITUTE_NOTICE_DAYS", default=5),
        # Printed on every notice of winners: where objections go (the bureau's office).
        "NOTICE_OFFICE": env("JIEBANG_NOTICE_OFFICE", default="市科学技术局成果转化处"),
        "NOTICE_PHONE": env("JIEBANG_NOTICE_PHONE", default="0519-85681234"),
        "NOTICE_ADDRESS": env("JIEBANG_NOTICE_ADDRESS", default="市行政中心3号楼B座"),
    }
)

# Expert review rules ([default] in DOMAIN.md §4).
JIEBANG.update(
    {
        "EXPERT_ANNUAL_CAP": env.int("JIEBANG_EXPERT_ANNUAL_CAP", default=10),
        "CONFLICT_LOOKBACK_YEARS": env.int("JIEBANG_CONFLICT_LOOKBACK_YEARS", default=3),
        "PANEL_SIZE": env.int("JIEBANG_PANEL_SIZE", default=7),
        "INVITATION_HOURS": env.int("JIEBANG_INVITATION_HOURS", default=24),
        # Scoring (DOMAIN §5): pass mark out of 100, and the spread that flags a bid.
        "SCORE_THRESHOLD": env.int("JIEBANG_SCORE_THRESHOLD", default=60),
        "SCORE_SPREAD_FLAG": env.int("JIEBANG_SCORE_SPREAD_FLAG", default=20),
        # Public notice (公示): length, and whether it counts working days (Chinese
        # public holidays skipped, make-up working days counted) or calendar days.
        # Due process for adverse decisions (DOMAIN §7 "added"): the party's written
        # response (陈述申辩) window and the review-request (复查/复核) window, in working days.
        "DUE_PROCESS_RESPONSE_WORKING_DAYS": env.int(
            "JIEBANG_DUE_PROCESS_RESPONSE_WORKING_DAYS", default=10
        ),
        "DUE_PROCESS_REVIEW_WORKING_DAYS": env.int(
            "JIEBANG_DUE_PROCESS_REVIEW_WORKING_DAYS", default=15
        ),
        # 补正 in the formal check (DOMAIN §3 "added"): working days the team has to add a
        # missing or defective document.
        "FORMAL_CHECK_CURE_WORKING_DAYS": env.int(
            "JIEBANG_FORMAL_CHECK_CURE_WORKING_DAYS", default=3
        ),
        "NOTICE_DAYS": env.int("JIEBANG_NOTICE_DAYS", default=7),
        "NOTICE_WORKING_DAYS": env.bool("JIEBANG_NOTICE_WORKING_DAYS", default=False),
        # Expert-pool import (review/pool/reading.py): experts per file, and what the file may
        # unpack to (a CSV file's size; a workbook's members together), both checked
        # before the file is parsed. 20,000 rows of real data unpack to about 14 MB as
        # .xlsx (3 MB as CSV); with long texts in every row, about 35 MB (40 MB when
        # openpyxl writes it through lxml, with inline strings). Such a file
        # takes a web worker about 2.5 s to parse; one beyond the limits is refused
        # before parsing, in well under a second.
        "POOL_IMPORT_MAX_ROWS": env.int("JIEBANG_POOL_IMPORT_MAX_ROWS", default=20_000),
        "POOL_IMPORT_MAX_UNPACKED_BYTES": env.int(
            "JIEBANG_POOL_IMPORT_MAX_UNPACKED_BYTES", default=64 * 1024 * 1024
        ),
    }
)

# Open data (DOMAIN §9): the OCDS publisher (empty: the verified bureau's name) and the
# licence of the published data (a URL; empty: none stated).
JIEBANG.update(
    {
        "OCDS_PUBLISHER": env("JIEBANG_OCDS_PUBLISHER", default=""),
        "OCDS_LICENSE": env("JIEBANG_OCDS_LICENSE", default=""),
    }
)

# Money recorded by whoever pays it (DOMAIN §7 "added"; bounty/projects/payment_services.py)
# and expert fees (专家咨询费; review/fees.py).
JIEBANG.update(
    {
        # The bureau records the first government (财政) payment of a project only once an
        # enterprise payment of that project has been confirmed by the team (企业资金先行到位).
        "ENTERPRISE_FUNDS_FIRST": env.bool("JIEBANG_ENTERPRISE_FUNDS_FIRST", default=True),
        # Expert fees per expert and meeting day, in yuan (after tax), by title level:
        # "senior" = 高级专业技术职称 (正高 and 副高), "other" = the rest (中级). Defaults within
        # the bands of 财科教〔2017〕128号 (senior 1500–2400, other 900–1500 yuan per day).
        "EXPERT_FEE_PER_DAY": {
            "senior": env.int("JIEBANG_EXPERT_FEE_SENIOR", default=2000),
            "other": env.int("JIEBANG_EXPERT_FEE_OTHER", default=1200),
        },
        # Days of a meeting paid at the full rate; each later day at this percentage of it
        # (128号: from the third day, 50 %).
        "EXPERT_FEE_FULL_DAYS": env.int("JIEBANG_EXPERT_FEE_FULL_DAYS", default=2),
        "EXPERT_FEE_LATER_DAY_PERCENT": env.int("JIEBANG_EXPERT_FEE_LATER_DAY_PERCENT", default=50),
        # The most one expert is paid for one panel, in yuan (an edited fee may not exceed it).
        "EXPERT_FEE_CAP": env.int("JIEBANG_EXPERT_FEE_CAP", default=8000),
    }
)

# --- REST API (api/, mounted at /api/v1/) -----------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: its WWW-Authenticate header makes a missing login a 401.
        "api.authentication.BearerTokenAuthentication",
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonThrottle", "api.throttling.UserThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Behind N reverse proxies, anonymous clients are told apart by X-Forwarded-For.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=None),
}
# Requests per period ("60/min", "1000/hour", "5000/day"): anonymous clients by address,
# signed-in ones per token (per user for the browser's session). Counters live in the
# cache: per process by default, shared by every web process and host with REDIS_URL.
API_THROTTLE_RATES = {
    "anon": env("API_THROTTLE_ANON", default="60/min"),
    "user": env("API_THROTTLE_USER", default="600/min"),
}
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
SPECTACULAR_SETTINGS = {
    "TITLE": "Challenge & Bid Platform API",
    "DESCRIPTION": "Public data of the challenge board and authenticated access for "
    "organisations, teams, experts and the bureau. Errors: "
    '{"error": {"code", "message", "fields"}}. See docs/api.md.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ChallengeStatusEnum": "api.enums.ChallengeStatus",
        "BidStatusEnum": "api.enums.BidStatus",
        "ProjectStatusEnum": "api.enums.ProjectStatus",
        "MilestoneStatusEnum": "api.enums.MilestoneStatus",
        "TrancheStatusEnum": "api.enums.TrancheStatus",
        "TerminationOutcomeEnum": "api.enums.TerminationOutcome",
        "OrganizationKindEnum": "api.enums.OrganizationKind",
        "OrganizationStatusEnum": "api.enums.OrganizationStatus",
        "RoleEnum": "api.enums.Role",
        "AttachmentKindEnum": "api.enums.AttachmentKind",
        "ExclusionKindEnum": "api.enums.ExclusionKind",
        "DeclarationOutcomeEnum": "api.enums.DECLARATION_OUTCOMES",
    },
}
