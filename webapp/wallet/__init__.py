"""Wallet, cashback and the double-entry ledger (SPEC 5).

Services: webapp.wallet.services; statement/CSV: webapp.wallet.queries; invariants and the
``flask ledger check`` command: webapp.wallet.checks / webapp.wallet.cli. Screens and API
endpoints arrive with customers and sales.
"""
