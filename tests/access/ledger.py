from . import CASE_READ

MATRIX = {
    "ledger:journal": ("get", lambda o: [o["case"].pk], CASE_READ),
}
