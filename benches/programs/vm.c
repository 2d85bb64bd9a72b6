// A br_table-heavy interpreter loop: a tiny stack-machine bytecode VM whose dense
// `switch` compiles to a wasm `br_table`. The bytecode runs an LCG `n` times and
// accumulates a checksum in registers.
typedef unsigned int u32;
typedef unsigned long long u64;

enum {
    HALT, PUSH, POP, DUP, SWAP, OVER, ADD, SUB, MUL, AND, OR, XOR,
    SHL, SHR, LOADR, STORER, JMP, JNZ, JZ, DEC, INC, LT, EQ, NOT
};

// r1 = r1 * 1103515245 + 12345; r2 += (r1 >> 16) & 32767;
// if (r1 & 1024) r2 ^= r0; r0 -= 1; loop while r0 != 0.
static const int program[] = {
    /*  0 */ LOADR, 1,
    /*  2 */ PUSH, 1103515245,
    /*  4 */ MUL,
    /*  5 */ PUSH, 12345,
    /*  7 */ ADD,
    /*  8 */ DUP,
    /*  9 */ STORER, 1,
    /* 11 */ PUSH, 16,
    /* 13 */ SHR,
    /* 14 */ PUSH, 32767,
    /* 16 */ AND,
    /* 17 */ LOADR, 2,
    /* 19 */ ADD,
    /* 20 */ STORER, 2,
    /* 22 */ LOADR, 1,
    /* 24 */ PUSH, 1024,
    /* 26 */ AND,
    /* 27 */ JZ, 36,
    /* 29 */ LOADR, 2,
    /* 31 */ LOADR, 0,
    /* 33 */ XOR,
    /* 34 */ STORER, 2,
    /* 36 */ LOADR, 0,
    /* 38 */ DEC,
    /* 39 */ DUP,
    /* 40 */ STORER, 0,
    /* 42 */ JNZ, 0,
    /* 44 */ HALT,
};

static u32 stack[64];

static void execute(const int *code, u32 *regs) {
    int pc = 0;
    int sp = 0;
    for (;;) {
        int op = code[pc++];
        switch (op) {
        case HALT: return;
        case PUSH: stack[sp++] = (u32)code[pc++]; break;
        case POP: sp--; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case SWAP: { u32 t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case OVER: stack[sp] = stack[sp - 2]; sp++; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case OR: sp--; stack[sp - 1] |= stack[sp]; break;
        case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case SHL: sp--; stack[sp - 1] <<= (stack[sp] & 31); break;
        case SHR: sp--; stack[sp - 1] >>= (stack[sp] & 31); break;
        case LOADR: stack[sp++] = regs[code[pc++] & 7]; break;
        case STORER: regs[code[pc++] & 7] = stack[--sp]; break;
        case JMP: pc = code[pc]; break;
        case JNZ: pc = stack[--sp] != 0 ? code[pc] : pc + 1; break;
        case JZ: pc = stack[--sp] == 0 ? code[pc] : pc + 1; break;
        case DEC: stack[sp - 1]--; break;
        case INC: stack[sp - 1]++; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case NOT: stack[sp - 1] = !stack[sp - 1]; break;
        default: return;
        }
    }
}

long long run(int n) {
    u32 regs[8] = {0};
    regs[0] = n > 0 ? (u32)n : 1u;
    regs[1] = 1;
    execute(program, regs);
    return (long long)(((u64)regs[2] << 32) | regs[1]);
}
