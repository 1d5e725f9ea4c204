class Reverser:
    def process(self, data):
        return data[::-1]
