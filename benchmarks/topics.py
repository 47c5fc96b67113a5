"""The vocabulary every generated catalog draws on: topics, publishers and the epoch.

Both generators use it: :mod:`benchmarks.official_catalog` (a varied catalog in the official
list-item shape, which tests seed registries with) and :mod:`benchmarks.catalog` (uniform
documents, cheap enough to build by the hundred thousand for the benchmarks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

EPOCH: Final = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
"""When the generated registry's history starts."""


@dataclass(frozen=True)
class Topic:
    """What a server is about: its slug, display title, descriptions and secret it needs."""

    slug: str
    title: str
    descriptions: tuple[str, ...]
    secret: str | None = None


TOPICS: Final[tuple[Topic, ...]] = (
    Topic(
        "weather",
        "Weather",
        (
            "Current conditions, hourly forecasts and severe weather alerts for any city",
            "Forecasts and historical weather data via the OpenWeatherMap API",
        ),
        "OPENWEATHER_API_KEY",
    ),
    Topic(
        "postgres",
        "PostgreSQL",
        (
            "Read-only SQL queries and schema introspection for PostgreSQL databases",
            "Explore tables, explain query plans and run safe migrations on Postgres",
        ),
        "DATABASE_URL",
    ),
    Topic(
        "github",
        "GitHub",
        (
            "Search repositories, triage issues and review pull requests on GitHub",
            "Manage GitHub issues, labels, releases and Actions workflow runs",
        ),
        "GITHUB_TOKEN",
    ),
    Topic(
        "slack",
        "Slack",
        (
            "Read channels, post messages and summarize threads in Slack workspaces",
            "Send Slack notifications and search conversation history",
        ),
        "SLACK_BOT_TOKEN",
    ),
    Topic(
        "jira",
        "Jira",
        (
            "Create, update and transition Jira tickets; query boards with JQL",
            "Sprint planning helpers and backlog grooming for Jira Cloud",
        ),
        "JIRA_API_TOKEN",
    ),
    Topic(
        "kubernetes",
        "Kubernetes",
        (
            "Inspect pods, tail logs and roll out deployments across Kubernetes clusters",
            "Read-only cluster diagnostics: events, resource usage and failing workloads",
        ),
    ),
    Topic(
        "filesystem",
        "Filesystem",
        (
            "Sandboxed file reading, writing and directory listing for local projects",
            "Search and edit files inside allowed directories with glob patterns",
        ),
    ),
    Topic(
        "browser",
        "Browser Automation",
        (
            "Headless browser automation: navigate pages, fill forms, take screenshots",
            "Scrape rendered web pages and extract structured content with selectors",
        ),
    ),
    Topic(
        "calendar",
        "Calendar",
        (
            "Schedule meetings, find free slots and manage calendar invitations",
            "Read agendas and create events across Google and Outlook calendars",
        ),
        "CALENDAR_CLIENT_SECRET",
    ),
    Topic(
        "email",
        "Email",
        (
            "Draft, send and search email over IMAP and SMTP with attachment support",
            "Inbox triage: label, archive and summarize unread messages",
        ),
        "SMTP_PASSWORD",
    ),
    Topic(
        "stripe",
        "Stripe",
        (
            "Look up Stripe customers, invoices and subscriptions; issue refunds",
            "Payments reporting and dispute tracking for Stripe accounts",
        ),
        "STRIPE_SECRET_KEY",
    ),
    Topic(
        "notion",
        "Notion",
        (
            "Search Notion pages, query databases and append blocks to documents",
            "Turn meeting notes into Notion tasks and keep wikis up to date",
        ),
        "NOTION_TOKEN",
    ),
    Topic(
        "sentry",
        "Sentry",
        (
            "Fetch Sentry issues, stack traces and release health for your projects",
            "Error monitoring triage: group, assign and resolve Sentry events",
        ),
        "SENTRY_AUTH_TOKEN",
    ),
    Topic(
        "redis",
        "Redis",
        (
            "Inspect Redis keys, streams and memory usage; run safe commands",
            "Cache diagnostics and pub/sub monitoring for Redis deployments",
        ),
        "REDIS_URL",
    ),
    Topic(
        "mongodb",
        "MongoDB",
        (
            "Query MongoDB collections, inspect indexes and aggregate documents",
            "Schema sampling and slow query analysis for MongoDB clusters",
        ),
        "MONGODB_URI",
    ),
    Topic(
        "s3",
        "S3 Storage",
        (
            "List buckets, read objects and generate presigned URLs for S3-compatible storage",
            "Upload, download and organize files in object storage buckets",
        ),
        "AWS_SECRET_ACCESS_KEY",
    ),
    Topic(
        "translate",
        "Translation",
        (
            "Translate text between 100+ languages and detect the source language",
            "Glossary-aware document translation with terminology consistency checks",
        ),
        "TRANSLATE_API_KEY",
    ),
    Topic(
        "maps",
        "Maps",
        (
            "Geocoding, directions and nearby place search backed by OpenStreetMap",
            "Route planning with travel times, distances and points of interest",
        ),
    ),
    Topic(
        "finance",
        "Market Data",
        (
            "Stock quotes, exchange rates and company fundamentals for analysts",
            "Historical prices and portfolio performance reports",
        ),
        "MARKET_DATA_KEY",
    ),
    Topic(
        "docker",
        "Docker",
        (
            "Manage Docker containers, images and volumes from your assistant",
            "Build images, inspect container logs and prune unused resources",
        ),
    ),
    Topic(
        "terraform",
        "Terraform",
        (
            "Plan and review Terraform changes; look up provider documentation",
            "Infrastructure drift detection and state inspection for Terraform",
        ),
    ),
    Topic(
        "analytics",
        "Web Analytics",
        (
            "Traffic, conversion and funnel reports from privacy-friendly web analytics",
            "Ask questions about page views, referrers and campaign performance",
        ),
        "ANALYTICS_API_KEY",
    ),
    Topic(
        "search",
        "Web Search",
        (
            "Privacy-respecting web search with snippets, news and image results",
            "Search the web and fetch readable article text for research",
        ),
        "SEARCH_API_KEY",
    ),
    Topic(
        "memory",
        "Knowledge Graph Memory",
        (
            "Persistent memory for assistants stored as a local knowledge graph",
            "Remember entities, relations and observations between conversations",
        ),
    ),
    Topic(
        "git",
        "Git",
        (
            "Read git history, diffs and blame for local repositories",
            "Stage, commit and branch safely with guarded git operations",
        ),
    ),
    Topic(
        "spreadsheet",
        "Spreadsheets",
        (
            "Read and update spreadsheet ranges, formulas and pivot tables",
            "Import CSV data and build charts in online spreadsheets",
        ),
        "SHEETS_CREDENTIALS",
    ),
    Topic(
        "linear",
        "Linear",
        (
            "Create and prioritize Linear issues; follow project cycles",
            "Roadmap summaries and triage queues from Linear workspaces",
        ),
        "LINEAR_API_KEY",
    ),
    Topic(
        "zendesk",
        "Helpdesk",
        (
            "Answer support tickets with macros and customer history from Zendesk",
            "Customer support analytics: backlog, satisfaction and response times",
        ),
        "ZENDESK_TOKEN",
    ),
    Topic(
        "shopify",
        "Shopify",
        (
            "Manage Shopify products, orders and inventory levels",
            "Storefront insights: best sellers, abandoned carts and refunds",
        ),
        "SHOPIFY_ACCESS_TOKEN",
    ),
    Topic(
        "pdf",
        "PDF Tools",
        (
            "Extract text, tables and images from PDF documents",
            "Merge, split and fill PDF forms without leaving the chat",
        ),
    ),
    Topic(
        "vector",
        "Vector Search",
        (
            "Semantic search over embeddings stored in a vector database",
            "Index documents into collections and retrieve similar passages",
        ),
        "VECTOR_DB_API_KEY",
    ),
    Topic(
        "observability",
        "Observability",
        (
            "Query metrics, traces and logs to investigate production incidents",
            "Dashboards and alert summaries from Prometheus and OpenTelemetry data",
        ),
    ),
    Topic(
        "figma",
        "Figma",
        (
            "Read Figma frames, components and design tokens for developers",
            "Export assets and inspect layout details from Figma files",
        ),
        "FIGMA_TOKEN",
    ),
    Topic(
        "youtube",
        "Video Transcripts",
        (
            "Fetch video transcripts and chapter summaries for research",
            "Search channels and playlists; summarize long talks",
        ),
    ),
    Topic(
        "arxiv",
        "Paper Search",
        (
            "Search arXiv papers, read abstracts and download citations as BibTeX",
            "Track new preprints in your research area and summarize findings",
        ),
    ),
    Topic(
        "home",
        "Smart Home",
        (
            "Control lights, thermostats and scenes through Home Assistant",
            "Automations and energy usage reports for smart home devices",
        ),
        "HOME_ASSISTANT_TOKEN",
    ),
    Topic(
        "crm",
        "CRM",
        (
            "Look up contacts, deals and pipeline stages in your CRM",
            "Log calls and schedule follow-ups for sales teams",
        ),
        "CRM_API_KEY",
    ),
    Topic(
        "time",
        "Time Zones",
        (
            "Convert times between zones and find meeting hours that work for everyone",
            "Current time, daylight saving rules and calendar arithmetic",
        ),
    ),
    Topic(
        "sqlite",
        "SQLite",
        (
            "Query local SQLite databases and generate business insight memos",
            "Inspect SQLite schemas and export query results as CSV",
        ),
    ),
    Topic(
        "cloudflare",
        "Edge Platform",
        (
            "Deploy edge workers, purge caches and inspect DNS records",
            "Firewall analytics and bot traffic reports for edge networks",
        ),
        "EDGE_API_TOKEN",
    ),
)

TOPIC_BY_SLUG: Final = {topic.slug: topic for topic in TOPICS}

GITHUB_USERS: Final = (
    "alice", "bob-dev", "chen-li", "dmitri", "emma-w", "farah", "gustavo", "hiro",
    "ines", "jamal", "kasia", "lars", "mei", "nadia", "oscar", "priya", "quinn",
    "rafael", "sofia", "tomas", "uma", "viktor", "wen", "xavier", "yuki", "zara",
)  # fmt: skip
