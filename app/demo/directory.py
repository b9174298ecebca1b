"""The demo company's directory: 120 people on five sites, from the CEO to this year's juniors.

A leadership group (the CEO, six chiefs and an executive office), two directors per
department, each with three experienced people and five juniors. Everyone is created through
the employee directory's service, as the administrator's key would.
"""

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from app.demo.names import ENGLISH_FAMILY, ENGLISH_GIVEN, FRENCH_FAMILY, FRENCH_GIVEN
from app.domain.access.principal import Principal, Role
from app.domain.employees import service as employees
from app.domain.employees.models import Employee, EmployeeCreate


@dataclass(frozen=True)
class Site:
    city: str
    timezone: str
    languages: tuple[str, ...]
    french: bool  # names and everyday language


SITES = {
    "Paris": Site("Paris", "Europe/Paris", ("fr", "en"), True),
    "Lyon": Site("Lyon", "Europe/Paris", ("fr", "en"), True),
    "Bordeaux": Site("Bordeaux", "Europe/Paris", ("fr", "en"), True),
    "London": Site("London", "Europe/London", ("en",), False),
    "Montréal": Site("Montréal", "America/Toronto", ("fr", "en"), True),
}


class Level(StrEnum):
    CEO = "ceo"
    CHIEF = "chief"
    OFFICE = "office"  # the executive office, around the CEO
    DIRECTOR = "director"
    EXPERIENCED = "experienced"
    JUNIOR = "junior"


@dataclass(frozen=True)
class Department:
    name: str
    chief: str
    chief_site: str
    directors: tuple[tuple[str, str], tuple[str, str]]  # (title, site)
    experienced: tuple[str, ...]
    juniors: tuple[str, ...]


DEPARTMENTS = (
    Department(
        "Finance",
        "Chief Financial Officer",
        "Paris",
        (("Finance Director", "Paris"), ("Head of Financial Planning", "London")),
        ("Controller", "Senior Financial Analyst", "Treasury Manager"),
        ("Financial Analyst", "Accounting Associate", "Finance Graduate"),
    ),
    Department(
        "Sales",
        "Chief Revenue Officer",
        "Paris",
        (("Sales Director, France", "Lyon"), ("Sales Director, International", "London")),
        ("Key Account Manager", "Sales Manager", "Bid Manager"),
        ("Account Executive", "Sales Development Representative", "Inside Sales Associate"),
    ),
    Department(
        "Marketing",
        "Chief Marketing Officer",
        "Paris",
        (("Brand Director", "Paris"), ("Digital Marketing Director", "Montréal")),
        ("Content Manager", "Product Marketing Manager", "Events Manager"),
        ("Social Media Specialist", "Content Creator", "Marketing Graduate"),
    ),
    Department(
        "Technology",
        "Chief Technology Officer",
        "Lyon",
        (("Engineering Director", "Lyon"), ("IT Director", "Paris")),
        ("Lead Software Engineer", "Infrastructure Manager", "Product Manager"),
        ("Junior Developer", "Data Analyst", "IT Support Technician"),
    ),
    Department(
        "People",
        "Chief People Officer",
        "Paris",
        (("HR Director", "Bordeaux"), ("Director of Learning & Development", "Paris")),
        ("HR Business Partner", "Learning Designer", "Payroll Manager"),
        ("HR Coordinator", "Talent Acquisition Associate", "People Data Analyst"),
    ),
    Department(
        "Operations",
        "Chief Operating Officer",
        "Bordeaux",
        (("Operations Director", "Bordeaux"), ("Supply Chain Director", "Montréal")),
        ("Operations Manager", "Quality Manager", "Logistics Manager"),
        ("Operations Analyst", "Supply Chain Associate", "Customer Service Advisor"),
    ),
)
EXECUTIVE_OFFICE = (
    ("Chief of Staff", 13, (38, 46)),
    ("Head of Internal Communications", 10, (35, 48)),
    ("CSR & Inclusion Lead", 9, (30, 42)),
    ("Executive Office Coordinator", 4, (26, 40)),
    ("Strategy Analyst", 2, (23, 27)),
)
# Who runs the service in the demo: the People chief administers it, HR and L&D run programs.
ROLES = {
    "Chief People Officer": Role.ADMIN,
    "HR Director": Role.PROGRAM_MANAGER,
    "Director of Learning & Development": Role.PROGRAM_MANAGER,
}


@dataclass(frozen=True)
class Person:
    employee: Employee
    level: Level
    department: str
    site: Site

    @property
    def name(self) -> str:
        return self.employee.display_name

    @property
    def first_name(self) -> str:
        return self.employee.given_name or self.employee.display_name

    @property
    def email(self) -> str:
        # Everyone in the demo has an address (the directory allows none, as SCIM may).
        assert self.employee.email is not None
        return self.employee.email

    @property
    def speaks_french(self) -> bool:
        return "fr" in self.employee.languages

    def principal(self) -> Principal:
        """This person signed in, as their identity provider's token would make them."""
        return Principal.for_employee(
            self.employee.organization_id, self.employee.id, self.employee.role
        )


@dataclass
class Directory:
    people: list[Person] = field(default_factory=list)

    def at(self, level: Level) -> list[Person]:
        return [p for p in self.people if p.level == level]

    def titled(self, title: str) -> Person:
        return next(p for p in self.people if p.employee.job_title == title)

    def chain_of(self, person: Person) -> set[str]:
        """The e-mails of everyone above ``person`` in the reporting line."""
        by_id = {p.employee.id: p for p in self.people}
        above: set[str] = set()
        current = person.employee.manager_id
        while current is not None and current in by_id:
            boss = by_id[current]
            above.add(boss.email)
            current = boss.employee.manager_id
        return above

    def related(self, one: Person, other: Person) -> bool:
        """Whether one reports to the other, directly or not."""
        return other.email in self.chain_of(one) or one.email in self.chain_of(other)


@dataclass
class _Draft:
    title: str
    level: Level
    department: str
    site: Site
    seniority: int
    age: int
    manager: int | None
    languages: tuple[str, ...] = ()


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return folded.replace("'", "").replace(" ", "-").lower()


def _drafts(rng: random.Random) -> list[_Draft]:
    drafts: list[_Draft] = []

    def add(draft: _Draft) -> int:
        drafts.append(draft)
        return len(drafts) - 1

    ceo = add(
        _Draft("Chief Executive Officer", Level.CEO, "Executive", SITES["Paris"], 18, 56, None)
    )
    for title, seniority, (youngest, oldest) in EXECUTIVE_OFFICE:
        level = Level.JUNIOR if seniority <= 3 else Level.OFFICE
        age = rng.randint(youngest, oldest)
        add(_Draft(title, level, "Executive", SITES["Paris"], seniority, age, ceo))
    for department in DEPARTMENTS:
        chief = add(
            _Draft(
                department.chief,
                Level.CHIEF,
                department.name,
                SITES[department.chief_site],
                rng.randint(15, 17),
                rng.randint(47, 59),
                ceo,
            )
        )
        for d, (title, site_name) in enumerate(department.directors):
            site = SITES[site_name]
            director = add(
                _Draft(
                    title,
                    Level.DIRECTOR,
                    department.name,
                    site,
                    rng.randint(11, 14),
                    rng.randint(41, 55),
                    chief,
                )
            )
            # Most of a team sits with its director; one of each kind works from elsewhere.
            elsewhere = rng.choice([s for s in SITES.values() if s != site])
            for i, job in enumerate(department.experienced):
                where = elsewhere if i == d else site
                age = rng.randint(31, 47)
                add(
                    _Draft(
                        job,
                        Level.EXPERIENCED,
                        department.name,
                        where,
                        rng.randint(5, 9),
                        age,
                        director,
                    )
                )
            for i in range(5):
                job = department.juniors[i % len(department.juniors)]
                where = elsewhere if i == 3 else site
                add(
                    _Draft(
                        job,
                        Level.JUNIOR,
                        department.name,
                        where,
                        rng.randint(0, 3),
                        rng.randint(22, 28),
                        director,
                    )
                )
    return drafts


def _name(rng: random.Random, site: Site, used: set[str]) -> tuple[str, str, str]:
    for _ in range(1000):
        if site.city == "Montréal":
            french = rng.random() < 0.7
        else:
            french = site.french if rng.random() < 0.85 else not site.french
        given = rng.choice(FRENCH_GIVEN if french else ENGLISH_GIVEN)
        family = rng.choice(FRENCH_FAMILY if french else ENGLISH_FAMILY)
        local = f"{_ascii(given)}.{_ascii(family)}"
        if local not in used:
            used.add(local)
            return given, family, local
    raise RuntimeError("the name lists are too short for the directory")


async def build_directory(
    session: AsyncSession, admin: Principal, slug: str, rng: random.Random, today: date
) -> Directory:
    """Create the company's employees through the directory service."""
    directory = Directory()
    used: set[str] = set()
    for number, draft in enumerate(_drafts(rng)):
        given, family, local = _name(rng, draft.site, used)
        languages = list(draft.site.languages)
        if not draft.site.french and rng.random() < 0.25:
            languages.append("fr")  # a few Londoners speak French too
        tenure = max(0, min(draft.age - 22, rng.randint(0, 22)))
        if draft.level == Level.JUNIOR:
            tenure = min(tenure, 2)
        manager = directory.people[draft.manager].employee.id if draft.manager is not None else None
        data = EmployeeCreate(
            external_id=f"HR-{1001 + number}",
            email=f"{local}@{slug}.example",
            given_name=given,
            family_name=family,
            job_title=draft.title,
            department=draft.department,
            location=draft.site.city,
            manager_id=manager,
            seniority_level=draft.seniority,
            birth_year=today.year - draft.age,
            hire_date=today - timedelta(days=365 * tenure + rng.randint(20, 340)),
            languages=languages,
            timezone=draft.site.timezone,
            role=ROLES.get(draft.title, Role.EMPLOYEE),
        )
        employee = await employees.create_employee(session, admin, data)
        directory.people.append(Person(employee, draft.level, draft.department, draft.site))
    return directory
