"""A demo organisation with a realistic directory, for trying the service locally."""

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import jwt
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.access import service as access
from app.domain.access.models import IdentityClaim, IdentityProvider, Organization
from app.domain.access.principal import Role, Scope
from app.domain.employees.models import Employee
from app.domain.errors import NotFound

DEV_AUDIENCE = "mentorship-dev"

GIVEN = [
    "Camille",
    "Louis",
    "Emma",
    "Hugo",
    "Chloé",
    "Lucas",
    "Léa",
    "Nathan",
    "Manon",
    "Jules",
    "Sophie",
    "Thomas",
    "Inès",
    "Mathis",
    "Sarah",
    "Paul",
    "Zoé",
    "Arthur",
    "Anna",
    "Noah",
    "Olivia",
    "Liam",
    "Mia",
    "Ethan",
    "Amira",
    "Yanis",
    "Priya",
    "Kenji",
    "Fatou",
    "Mateo",
    "Hannah",
    "Jonas",
    "Leonie",
    "Felix",
    "Aisha",
    "Omar",
    "Grace",
    "Daniel",
    "Nadia",
    "Victor",
]
FAMILY = [
    "Martin",
    "Bernard",
    "Dubois",
    "Durand",
    "Lefebvre",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Garcia",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Nguyen",
    "Diallo",
    "Haddad",
    "Rossi",
    "Kowalski",
    "Okafor",
    "Tanaka",
    "Patel",
    "Silva",
    "Novak",
    "Jensen",
    "Costa",
]
DEPARTMENTS = {
    "Finance": ["Chief Financial Officer", "Finance Director", "Controller", "Financial Analyst"],
    "Sales": [
        "Chief Revenue Officer",
        "Sales Director",
        "Account Executive",
        "Sales Development Rep",
    ],
    "Marketing": [
        "Chief Marketing Officer",
        "Brand Director",
        "Content Manager",
        "Social Media Specialist",
    ],
    "Engineering": [
        "Chief Technology Officer",
        "Engineering Director",
        "Software Engineer",
        "Junior Developer",
    ],
    "Human Resources": [
        "Chief People Officer",
        "HR Director",
        "HR Business Partner",
        "Talent Acquisition Associate",
    ],
    "Operations": [
        "Chief Operating Officer",
        "Operations Director",
        "Operations Manager",
        "Operations Analyst",
    ],
}
LOCATIONS = [
    ("Paris", "Europe/Paris", ["fr", "en"]),
    ("Lyon", "Europe/Paris", ["fr", "en"]),
    ("Berlin", "Europe/Berlin", ["de", "en"]),
    ("London", "Europe/London", ["en"]),
    ("Montréal", "America/Toronto", ["fr", "en"]),
]


@dataclass(frozen=True)
class DemoResult:
    organization_name: str
    slug: str
    employees: int
    admin_token: str
    sample_email: str


def _directory(rng: random.Random, slug: str) -> list[dict[str, object]]:
    """A CEO, a C-level head per department, directors, then experienced and junior staff."""
    people: list[dict[str, object]] = []
    used: set[str] = set()
    today = date.today()

    def person(
        title: str, department: str | None, seniority: int, age: int, manager: int | None
    ) -> int:
        while True:
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            local = f"{given}.{family}".lower()
            local = local.translate(str.maketrans("éèëüöäç", "eeeuoac"))
            if local not in used:
                used.add(local)
                break
        location, timezone, languages = rng.choice(LOCATIONS)
        tenure_years = max(0, min(age - 22, rng.randint(0, 25)))
        people.append(
            {
                "external_id": f"HR-{1000 + len(people)}",
                "email": f"{local}@{slug}.example",
                "given_name": given,
                "family_name": family,
                "job_title": title,
                "department": department,
                "location": location,
                "seniority_level": seniority,
                "birth_year": today.year - age,
                "hire_date": today - timedelta(days=365 * tenure_years + rng.randint(0, 364)),
                "languages": languages,
                "timezone": timezone,
                "manager": manager,
            }
        )
        return len(people) - 1

    ceo = person("Chief Executive Officer", "Executive", 18, rng.randint(52, 60), None)
    for department, (chief, director, experienced, junior) in DEPARTMENTS.items():
        head = person(chief, department, rng.randint(15, 17), rng.randint(46, 58), ceo)
        for _ in range(2):
            lead = person(director, department, rng.randint(11, 14), rng.randint(40, 55), head)
            for _ in range(rng.randint(2, 3)):
                person(experienced, department, rng.randint(5, 9), rng.randint(30, 45), lead)
            for _ in range(rng.randint(2, 4)):
                person(junior, department, rng.randint(0, 3), rng.randint(22, 29), lead)
    return people


async def seed(session: AsyncSession, name: str) -> DemoResult:
    """Create the demo organisation once; later runs only issue a fresh admin key."""
    slug = access.slugify(name)
    organization = (
        await session.exec(select(Organization).where(Organization.slug == slug))
    ).first()
    if organization is None:
        organization, _key, token = await access.create_organization(session, name, slug)
        await _load_directory(session, organization, random.Random(2026))
        session.add(
            IdentityProvider(
                organization_id=organization.id,
                name="Development provider (HS256)",
                issuer=f"https://idp.{slug}.example",
                audience=DEV_AUDIENCE,
                identity_claim=IdentityClaim.EMAIL,
                shared_secret=secrets.token_urlsafe(48),
            )
        )
    else:
        _key, token = await access.issue_api_key(
            session, organization.id, name="Demo admin key", scopes=[Scope.ADMIN]
        )
    count = (
        await session.exec(
            select(func.count())
            .select_from(Employee)
            .where(Employee.organization_id == organization.id)
        )
    ).first()
    sample = (
        await session.exec(
            select(Employee.email)
            .where(Employee.organization_id == organization.id, Employee.role == Role.EMPLOYEE)
            .order_by(col(Employee.seniority_level), col(Employee.email))
            .limit(1)
        )
    ).first()
    return DemoResult(organization.name, organization.slug, int(count or 0), token, sample or "")


async def _load_directory(
    session: AsyncSession, organization: Organization, rng: random.Random
) -> None:
    people = _directory(rng, organization.slug)
    rows: list[Employee] = []
    roles = {"Chief People Officer": Role.ADMIN, "HR Director": Role.PROGRAM_MANAGER}
    for data in people:
        manager_index = data.pop("manager")
        employee = Employee(organization_id=organization.id, **data)  # type: ignore[arg-type]
        if isinstance(manager_index, int):
            employee.manager_id = rows[manager_index].id
        employee.role = roles.get(str(data["job_title"]), Role.EMPLOYEE)
        rows.append(employee)
    session.add_all(rows)
    await session.flush()


async def mint_dev_token(session: AsyncSession, org: str, email: str, minutes: int) -> str:
    organization = await access.find_organization(session, org)
    provider = (
        await session.exec(
            select(IdentityProvider).where(
                IdentityProvider.organization_id == organization.id,
                col(IdentityProvider.shared_secret).is_not(None),
            )
        )
    ).first()
    if provider is None or provider.shared_secret is None:
        raise NotFound("This organisation has no HS256 development identity provider.")
    employee = (
        await session.exec(
            select(Employee).where(
                Employee.organization_id == organization.id, Employee.email == email.lower()
            )
        )
    ).first()
    if employee is None:
        raise NotFound(f"No employee {email!r} in {organization.slug}.")
    now = datetime.now(UTC)
    claims = {
        "iss": provider.issuer,
        "aud": provider.audience,
        "sub": employee.external_id or str(employee.id),
        "email": employee.email,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
    }
    return jwt.encode(claims, provider.shared_secret, algorithm="HS256")
